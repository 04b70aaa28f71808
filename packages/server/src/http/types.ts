/** A request as the app sees it: already read from the socket, independent of node:http. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body; empty when none was sent. */
  readonly body: Buffer;
  /** The peer's address on the socket (absent for in-process requests); a proxy's, behind one. */
  readonly remoteAddress?: string | undefined;
  /**
   * Set only by Studio's own calls into the Backend API (`App.handleForStudio`), never from a socket:
   * the call needs no key (Studio's gate admitted the person) and is audited as Studio's.
   */
  readonly viaStudio?: true;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: string;
}

// Exactly this string: @clerk/backend parses a body as JSON only when the header equals it.
const JSON_CONTENT_TYPE = 'application/json';

/** A JSON reply. A Promise is refused at compile time: serialised, it would silently become `{}`. */
export function jsonResponse<T>(
  status: number,
  value: T extends PromiseLike<unknown> ? never : T,
  headers: Record<string, string | string[]> = {},
): HttpResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** A list reply: a bare array, or `{ data, total_count }` when the client asked for `paginated=true`. */
export function listResponse(
  items: readonly unknown[],
  totalCount: number,
  paginated: boolean | undefined,
): HttpResponse {
  return jsonResponse(200, paginated ? { data: items, total_count: totalCount } : items);
}
