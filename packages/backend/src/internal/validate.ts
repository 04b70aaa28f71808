import { ConfigurationError } from '../errors';

/** `sk_test_` or `sk_live_` followed by 32 to 128 characters of a URL-safe alphabet. */
export const SECRET_KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_-]{32,128}$/;

export function requireSecretKey(option: string, value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw new ConfigurationError(
      option,
      'is missing: pass the instance secret key (sk_test_... or sk_live_...)',
    );
  }
  if (typeof value !== 'string' || !SECRET_KEY_PATTERN.test(value)) {
    throw new ConfigurationError(
      option,
      'is malformed: expected sk_test_... or sk_live_... (value not shown)',
    );
  }
  return value;
}

export function requireHttpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(option, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(option, 'must be an absolute http(s) URL');
  }
  return value;
}

export function optionalPositiveInteger(option: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(option, `must be an integer >= ${min}`);
  }
  return value;
}

export function optionalFunction<F>(option: string, value: unknown, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new ConfigurationError(option, 'must be a function');
  return value as F;
}

/** Ids go into paths unencoded by convention ([A-Za-z0-9_]); anything else is refused before sending. */
export function pathId(option: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_]+$/.test(value)) {
    throw new ConfigurationError(option, 'must be a non-empty id of letters, digits and "_"');
  }
  return value;
}
