/** A scripted stand-in for `fetch`: records every call and answers from a queue. */

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export type Reply =
  | {
      readonly status: number;
      readonly json?: unknown;
      readonly text?: string;
      readonly headers?: Record<string, string>;
    }
  | { readonly networkError: true }
  | { readonly hang: true };

export function jsonReply(json: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, json, headers };
}

export function wireError(
  status: number,
  code: string,
  extra: { headers?: Record<string, string> } = {},
): Reply {
  return {
    status,
    json: {
      errors: [{ code, message: 'short', long_message: `long ${code}`, meta: { param_name: 'user_id' } }],
      clerk_trace_id: 'req_trace_1',
    },
    headers: extra.headers ?? {},
  };
}

export interface FakeFetch {
  readonly fetch: typeof fetch;
  readonly calls: RecordedRequest[];
  /** The only call, failing the test when there is not exactly one. */
  only(): RecordedRequest;
}

export function fakeFetch(...replies: Reply[]): FakeFetch {
  const calls: RecordedRequest[] = [];
  const queue = [...replies];
  const impl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
    calls.push({ method: init.method ?? 'GET', url: new URL(String(input)), headers, body });
    const reply = queue.length > 1 ? queue.shift()! : queue[0];
    if (reply === undefined) throw new Error('fakeFetch: no reply scripted');
    if ('networkError' in reply) throw new TypeError('fetch failed');
    if ('hang' in reply) {
      return new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    return new Response(text === '' ? null : text, {
      status: reply.status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  };
  return {
    fetch: impl as typeof fetch,
    calls,
    only() {
      if (calls.length !== 1) throw new Error(`expected one request, got ${calls.length}`);
      return calls[0]!;
    },
  };
}
