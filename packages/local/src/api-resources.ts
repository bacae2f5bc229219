import { createRouter, ROUTES } from '@echo-ridge/score-api';

/** What API Gateway decides about a request before the function sees it. */
export interface ResourceMatch {
  /** The resource template, as the proxy event's `resource`. */
  resource: string;
  pathParameters: Record<string, string> | null;
  apiKeyRequired: boolean;
}

/**
 * The score API's resources as the stack defines them (one per route, keys on all but /healthz), plus
 * a key-protected `/{proxy+}` catch-all that hands unknown paths and methods to the function, which
 * answers them 404 and 405 with its own error body.
 */
export function scoreApiResources(): (method: string, path: string) => ResourceMatch {
  const router = createRouter(ROUTES);
  return (method, path) => {
    const match = router.match(method, path);
    if (match.kind === 'found') {
      const { params } = match;
      return { resource: match.route.path, pathParameters: Object.keys(params).length > 0 ? params : null, apiKeyRequired: match.route.apiKeyRequired };
    }
    return { resource: '/{proxy+}', pathParameters: { proxy: decodeOrKeep(path.slice(1)) }, apiKeyRequired: true };
  };
}

function decodeOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
