import { ConfigError } from '../config';
import { ApiError } from '../core/api-error';
import type { Settings } from '../core/context';
import type { Environment } from '../core/secrets';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function refuse(longMessage: string): ApiError {
  return new ApiError('redirect_url_not_allowed', longMessage, { param_name: 'redirect_url' });
}

/**
 * Where a browser may be sent after accepting a ticket: the instance's own origin, the configured
 * origins (Clerk apps' included) and, on development instances, any http(s) loopback origin. Production requires https.
 * Returns the URL in normalised form.
 */
export function checkRedirectUrl(raw: string, settings: Settings, environment: Environment): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('redirect_url must be an absolute URL, such as https://app.example.com/dashboard.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse('redirect_url must use http or https.');
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse('redirect_url must not contain credentials.');
  }
  if (environment === 'production' && url.protocol !== 'https:') {
    throw refuse('redirect_url must use https on a production instance.');
  }
  const allowed =
    url.origin === new URL(settings.publicUrl).origin ||
    settings.allowedRedirectOrigins.includes(url.origin) ||
    settings.clerkAppOrigins.includes(url.origin) ||
    (environment === 'development' && LOOPBACK_HOSTS.has(url.hostname));
  if (!allowed) {
    throw refuse(
      `redirect_url's origin ${url.origin} is not allowed. Add it to TESSERA_ALLOWED_REDIRECT_ORIGINS to allow it.`,
    );
  }
  return url.href;
}

/**
 * Refuses, at start-up, an http origin in the list of a production instance: every redirect to it
 * would be refused anyway, and better the operator learns it from the start than from a test run.
 */
export function checkAllowedOrigins(origins: readonly string[], environment: Environment): void {
  if (environment !== 'production') return;
  const plain = origins.find((origin) => !origin.startsWith('https:'));
  if (plain !== undefined) {
    throw new ConfigError(
      'TESSERA_ALLOWED_REDIRECT_ORIGINS',
      `lists ${plain}, but a production instance (sk_live_ key) redirects only to https origins`,
    );
  }
}

/**
 * Refuses, at start-up, Clerk app origins on a production instance: Clerk's handshake as tessera
 * answers it is a development instance's (its development browser has no production counterpart).
 */
export function checkClerkAppOrigins(
  origins: readonly string[],
  environment: Environment,
  frontendHostname: string,
): void {
  if (origins.length === 0) return;
  if (environment === 'production') {
    throw new ConfigError(
      'TESSERA_CLERK_APP_ORIGINS',
      "is for development instances only: Clerk's development handshake has no production counterpart here",
    );
  }
  // Clerk's SDKs refuse a publishable key whose host has no dot, and the key names tessera's host.
  if (!frontendHostname.includes('.')) {
    throw new ConfigError(
      'TESSERA_CLERK_APP_ORIGINS',
      `needs a public URL whose host has a dot, as Clerk's SDKs refuse a publishable key for "${frontendHostname}": serve on 127.0.0.1, or set TESSERA_PUBLIC_URL`,
    );
  }
}
