import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendApiClient, ConfigurationError, createBackendApiClient } from '@tessera/backend';

/** Where `npx @tessera/server` listens unless told otherwise; the CLI's default too. */
export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/** Where `npx @tessera/server` saves the key it generates, relative to the folder it runs in. */
export const SECRET_KEY_FILE = join('.tessera', 'secret-key');

/**
 * Where tessera is and how to call it. Each is read as tessera's CLI reads it: the option, else
 * `TESSERA_API_URL` / `TESSERA_SECRET_KEY`, else `http://127.0.0.1:4000` and the key the server saved
 * in `.tessera/secret-key` of the folder the tests run from.
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

/** A connection with both parts found. */
export interface ResolvedConnection {
  readonly apiUrl: string;
  readonly secretKey: string;
}

function keyFromFile(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, SECRET_KEY_FILE), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The secret key and where it came from, or undefined when none is given anywhere. */
export function findSecretKey(
  options: ConnectionOptions = {},
  cwd: string = process.cwd(),
): { readonly secretKey: string; readonly source: string } | undefined {
  if (options.secretKey) return { secretKey: options.secretKey, source: 'the secretKey option' };
  const fromEnv = process.env.TESSERA_SECRET_KEY?.trim();
  if (fromEnv) return { secretKey: fromEnv, source: 'TESSERA_SECRET_KEY' };
  const fromFile = keyFromFile(cwd);
  return fromFile ? { secretKey: fromFile, source: join(cwd, SECRET_KEY_FILE) } : undefined;
}

/** The API URL and the secret key, or a `ConfigurationError` naming every place the key is read from. */
export function resolveConnection(options: ConnectionOptions = {}): ResolvedConnection {
  const key = findSecretKey(options);
  if (!key) {
    throw new ConfigurationError(
      'secretKey',
      `is missing: pass { secretKey }, set TESSERA_SECRET_KEY, run the tests from the folder holding ${SECRET_KEY_FILE} (written by \`npx @tessera/server\`), or use tesseraWebServer() or tesseraSetup() in the Playwright config`,
    );
  }
  return {
    apiUrl: options.apiUrl ?? (process.env.TESSERA_API_URL || DEFAULT_API_URL),
    secretKey: key.secretKey,
  };
}

/** A Backend API client for the test run, or a clear error naming what is missing. */
export function clientFor(options: ConnectionOptions = {}): BackendApiClient {
  const { apiUrl, secretKey } = resolveConnection(options);
  return createBackendApiClient({ secretKey, apiUrl });
}
