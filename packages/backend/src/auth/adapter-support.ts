import { ConfigurationError, type TokenVerificationReason } from '../errors';
import { readEnv } from '../internal/env';
import type { AuthenticateRequestOptions, AuthState } from './authenticate-request';

/**
 * Adapter options with the environment as fallback: when no key source is given, `TESSERA_JWT_KEY`
 * (a PEM; `\n` escapes accepted) and then `TESSERA_SECRET_KEY` (with `TESSERA_API_URL`) are used.
 */
export function withEnvironmentDefaults(
  options: AuthenticateRequestOptions = {},
): AuthenticateRequestOptions {
  if (options.jwtKey !== undefined || options.jwksUrl !== undefined || options.secretKey !== undefined) {
    return options;
  }
  const jwtKey = readEnv('TESSERA_JWT_KEY');
  if (jwtKey !== undefined) return { ...options, jwtKey: jwtKey.replace(/\\n/g, '\n') };
  const secretKey = readEnv('TESSERA_SECRET_KEY');
  if (secretKey !== undefined) return { ...options, secretKey };
  return options;
}

/** The JSON body of the adapters' 401, in the shape of a tessera error reply. */
export function unauthorizedBody(reason: TokenVerificationReason) {
  return {
    errors: [
      {
        code: 'authentication_invalid',
        message: 'Unauthenticated',
        long_message:
          'A valid session token is required (Authorization: Bearer <jwt> or the __session cookie).',
        meta: { reason },
      },
    ],
  };
}

/** Headers of the adapters' 401 (RFC 6750). */
export const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer error="invalid_token"' } as const;

export function authOrThrow(auth: AuthState | undefined): AuthState {
  if (auth === undefined) {
    throw new ConfigurationError('middleware', 'withAuth() or requireAuth() must run before getAuth()');
  }
  return auth;
}
