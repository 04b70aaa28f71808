import type { App } from '../http/app';
import type { HttpRequest } from '../http/types';

/** A refusal of the Backend API, as Studio shows it next to the form that caused it. */
export class StudioApiError extends Error {
  override readonly name = 'StudioApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parameter the API named, when it named one. */
    readonly paramName: string | undefined,
  ) {
    super(message);
  }
}

export type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Studio's client of the Backend API: the same routes and checks as any client's, audited as Studio's. */
export interface StudioApi {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

function searchParams(query: Query = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.set(key, String(value));
  }
  return params;
}

/** Calls go through `app.handleForStudio` in process, with the person's address and browser for the audit log. */
export function studioApi(app: App, person: HttpRequest): StudioApi {
  const call = async <T>(method: string, path: string, query: Query | undefined, body: unknown) => {
    const response = await app.handleForStudio({
      method,
      path,
      query: searchParams(query),
      headers: {
        'content-type': 'application/json',
        'user-agent': person.headers['user-agent'],
      },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      remoteAddress: person.remoteAddress,
    });
    const parsed = response.body === '' ? undefined : (JSON.parse(response.body) as unknown);
    if (response.status >= 400) {
      const first = (
        parsed as { errors?: { code: string; long_message?: string; meta?: { param_name?: string } }[] }
      )?.errors?.[0];
      throw new StudioApiError(
        response.status,
        first?.code ?? 'internal_error',
        first?.long_message ?? 'The request failed.',
        first?.meta?.param_name,
      );
    }
    return parsed as T;
  };
  return {
    get: (path, query) => call('GET', path, query, undefined),
    post: (path, body) => call('POST', path, undefined, body ?? {}),
    patch: (path, body) => call('PATCH', path, undefined, body),
    delete: (path) => call('DELETE', path, undefined, undefined),
  };
}
