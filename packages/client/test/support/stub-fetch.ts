/** A fetch that answers from a script and records every request, so that retries can be counted. */
export interface StubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export function stubFetch(answer: (request: SentRequest, attempt: number) => StubAnswer | Promise<StubAnswer>) {
  const sent: SentRequest[] = [];
  const fetch = async (input: URL, init: RequestInit = {}): Promise<Response> => {
    const request: SentRequest = {
      method: init.method ?? 'GET',
      url: new URL(input),
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    const { status, body, headers } = await answer(request, sent.length);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body ?? {}), { status, headers });
  };
  // The transport always calls fetch with a URL.
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent };
}

export const errorBody = (code: string, message = `${code} happened`) => ({ error: { code, message }, request_id: `request-${code}` });
