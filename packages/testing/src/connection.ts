import { type BackendApiClient, ConfigurationError, createBackendApiClient } from '@tessera/backend';

/**
 * Where tessera is and how to call it; each falls back to `TESSERA_API_URL` / `TESSERA_SECRET_KEY`.
 *
 * @example
 * ```ts
 * const connection: ConnectionOptions = { apiUrl: 'http://127.0.0.1:4001', secretKey: process.env.MY_KEY };
 * await signIn(page, { email: 'ada@example.com' }, { ...connection, redirectUrl: 'http://localhost:3000/' });
 * ```
 */
export interface ConnectionOptions {
  readonly apiUrl?: string | undefined;
  readonly secretKey?: string | undefined;
}

/** A Backend API client for the test run, or a clear error naming what is missing. */
export function clientFor(options: ConnectionOptions = {}): BackendApiClient {
  const secretKey = options.secretKey ?? process.env.TESSERA_SECRET_KEY;
  if (!secretKey) {
    throw new ConfigurationError(
      'secretKey',
      'is missing: pass { secretKey }, set TESSERA_SECRET_KEY, or use tesseraSetup() as globalSetup',
    );
  }
  return createBackendApiClient({ secretKey, apiUrl: options.apiUrl ?? process.env.TESSERA_API_URL });
}
