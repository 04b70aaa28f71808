/**
 * One structured line per request. It carries the route pattern, never the raw URL or headers: a
 * URL can hold a ticket, headers a secret key, a JWT or a cookie.
 */
export interface RequestLogEntry {
  readonly level: 'info' | 'error';
  readonly time: string;
  readonly request_id: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly duration_ms: number;
  /** For 500s only: the error's class and stack, which never include request data. */
  readonly error?: string;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

export const stdoutRequestLogger: RequestLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};
