import { ApiConnectionError, type ApiResponseError, ResponseValidationError } from '../errors';
import { errorFromResponse } from './error-from-response';
import { buildQuery } from './query';
import { backoffDelay, isRetryableStatus, isSafeToRetry, MAX_RETRY_AFTER_MS, type Sleep } from './retry';

/** Everything the transport needs, already validated. */
export interface TransportConfig {
  readonly secretKey: string;
  /** Base URL without a trailing `/`. */
  readonly apiUrl: string;
  readonly apiVersion: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly userAgent: string;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: () => number;
  readonly generateIdempotencyKey: () => string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest<T> {
  readonly method: HttpMethod;
  /** Below `/{apiVersion}`, e.g. `/users/user_123`. */
  readonly path: string;
  /** Wire (snake_case) query parameters. */
  readonly query?: Readonly<Record<string, unknown>>;
  /** Wire (snake_case) JSON body. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Send an `Idempotency-Key` (generated unless given), which also makes a POST safe to retry. */
  readonly idempotent?: boolean;
  readonly idempotencyKey?: string | undefined;
  /** Frontend routes (the ticket is the credential) go without the secret key. */
  readonly withSecretKey?: boolean;
  /** The resource name used in a `ResponseValidationError` when the body is not JSON. */
  readonly resource: string;
  /** Validates and maps the JSON body of a 2xx reply. */
  readonly read: (json: unknown) => T;
}

export type Requester = <T>(request: ApiRequest<T>) => Promise<T>;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text === '' ? null : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The client's transport: builds the request, enforces the timeout, retries what is safe to retry
 * (429 honouring `Retry-After`, 502/503/504, network errors and timeouts) with backoff and jitter,
 * and turns the reply into a value or a typed error.
 */
export function createRequester(config: TransportConfig): Requester {
  async function send(url: string, init: RequestInit, label: string): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    try {
      const response = await config.fetch(url, { ...init, signal: controller.signal });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      throw new ApiConnectionError(timedOut ? 'timeout' : 'network_error', label, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  return async function request<T>(req: ApiRequest<T>): Promise<T> {
    const pathAndVersion = `/${config.apiVersion}${req.path}`;
    const url = `${config.apiUrl}${pathAndVersion}${buildQuery(req.query)}`;
    const label = `${req.method} ${pathAndVersion}`;
    const idempotencyKey = req.idempotent
      ? (req.idempotencyKey ?? config.generateIdempotencyKey())
      : undefined;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': config.userAgent,
    };
    if (req.withSecretKey !== false) headers.Authorization = `Bearer ${config.secretKey}`;
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    const init: RequestInit = { method: req.method, headers };
    if (req.body !== undefined) init.body = JSON.stringify(req.body);
    const retryable = isSafeToRetry(req.method, idempotencyKey);

    for (let attempt = 0; ; attempt++) {
      const canRetry = retryable && attempt < config.maxRetries;
      let answer: Answer;
      try {
        answer = await send(url, init, label);
      } catch (error) {
        if (!canRetry) throw error;
        await config.sleep(backoffDelay(attempt, config.random));
        continue;
      }
      const json = parseJson(answer.text);
      if (answer.status >= 200 && answer.status < 300) {
        if (!json.ok) {
          throw new ResponseValidationError(req.resource, [
            { path: '', problem: 'invalid', message: 'is not JSON' },
          ]);
        }
        return req.read(json.value);
      }
      const error: ApiResponseError = errorFromResponse({
        status: answer.status,
        headers: answer.headers,
        body: json.ok ? json.value : undefined,
        request: label,
        now: config.now(),
      });
      if (!canRetry || !isRetryableStatus(answer.status)) throw error;
      const waitMs =
        error.retryAfter === null ? backoffDelay(attempt, config.random) : error.retryAfter * 1000;
      if (waitMs > MAX_RETRY_AFTER_MS) throw error;
      await config.sleep(waitMs);
    }
  };
}
