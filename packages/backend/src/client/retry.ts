/** How the client waits between attempts. Injected in tests so they never really sleep. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/** A `Retry-After` longer than this is not waited for: the error is thrown with `retryAfter` set. */
export const MAX_RETRY_AFTER_MS = 60_000;

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Whether a request may be sent again after a failure whose effect on the server is unknown: methods
 * that are idempotent by definition, and any request carrying an `Idempotency-Key`.
 */
export function isSafeToRetry(method: string, idempotencyKey: string | undefined): boolean {
  return method === 'GET' || method === 'DELETE' || idempotencyKey !== undefined;
}

/** Exponential backoff (500 ms, 1 s, 2 s, ... capped at 8 s) with "equal jitter": half fixed, half random. */
export function backoffDelay(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, INITIAL_RETRY_DELAY_MS * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * `Retry-After` in seconds: either delta-seconds or an HTTP date (relative to `now`, Unix ms).
 * Null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
