import { type BackendApiClient, createBackendApiClient } from '@tessera/backend';

/** Where tessera is and how to call it; each falls back to `TESSERA_API_URL` / `TESSERA_SECRET_KEY`. */
export interface ConnectionOptions {
  readonly apiUrl?: string | undefined;
  readonly secretKey?: string | undefined;
}

/** A Backend API client for the test run, or a clear error naming what is missing. */
export function clientFor(options: ConnectionOptions = {}): BackendApiClient {
  const secretKey = options.secretKey ?? process.env.TESSERA_SECRET_KEY;
  if (!secretKey) {
    throw new Error(
      '@tessera/testing: no secret key. Pass { secretKey }, set TESSERA_SECRET_KEY, or use tesseraSetup() as globalSetup.',
    );
  }
  return createBackendApiClient({ secretKey, apiUrl: options.apiUrl ?? process.env.TESSERA_API_URL });
}
