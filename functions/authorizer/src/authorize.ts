import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { ApiKeyTenant } from '@echo-ridge/store';

/**
 * API Gateway turns exactly this error message into a 401 (the stack's gateway response answers it as
 * the handler's 403 FORBIDDEN); any other failure is a 500, which API Gateway does not cache.
 */
export const UNAUTHORIZED = 'Unauthorized';

export interface AuthorizeDeps {
  findTenant: (keyValue: string) => Promise<ApiKeyTenant | undefined>;
}

/** The caller's key, whatever case the client wrote the header name in. */
function presentedKey(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-api-key');
  return found?.[1] || undefined;
}

/**
 * The whole API's execute-api ARN (`…/<stage>/*`): API Gateway caches the answer per key for every
 * method, so the policy must allow every keyed method, not only the one that asked.
 */
function wholeApi(methodArn: string): string {
  // arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path…>
  const [api, stage] = methodArn.split('/');
  return `${api}/${stage}/*`;
}

/**
 * A REQUEST authorizer: a key with a tenant record is allowed, with the tenant in the context that
 * reaches the function as `requestContext.authorizer.tenant`, and the key as `usageIdentifierKey`
 * so that its usage plan meters and throttles it (API Gateway still refuses a key that is not
 * enabled on a plan of the stage). An unknown key is 401, which the stack answers as 403.
 */
export async function authorize(event: APIGatewayRequestAuthorizerEvent, { findTenant }: AuthorizeDeps): Promise<APIGatewayAuthorizerResult> {
  const key = presentedKey(event);
  if (key === undefined) throw new Error(UNAUTHORIZED);
  const record = await findTenant(key);
  if (!record) throw new Error(UNAUTHORIZED);
  return {
    principalId: record.key_id,
    usageIdentifierKey: key,
    context: { tenant: record.tenant },
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeApi(event.methodArn) }] },
  };
}
