import type { AuthenticateRequestOptions } from '../../auth/authenticate-request';
import { readEnv } from '../../internal/env';

/**
 * Whether options can be checked when a module is loaded. `next build` loads the middleware and the
 * route handlers to collect their configuration, often in an environment without the app's secrets:
 * with no key source at all (none given, none in the environment), the check waits for the first
 * request, which then throws the same `ConfigurationError`. Anything given is checked at once.
 */
export function checkableAtStartup(options: AuthenticateRequestOptions): boolean {
  return (
    options.jwtKey !== undefined ||
    options.jwksUrl !== undefined ||
    options.secretKey !== undefined ||
    readEnv('TESSERA_JWT_KEY') !== undefined ||
    readEnv('TESSERA_SECRET_KEY') !== undefined
  );
}
