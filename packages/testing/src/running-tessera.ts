import { ConfigurationError } from '@tessera/backend';
import { DEFAULT_API_URL, findSecretKey, type ResolvedConnection, resolveConnection } from './connection';

/** How long a health check may take before the tessera it asks is taken to be absent. */
const HEALTH_TIMEOUT_MS = 2_000;

async function answersHealth(apiUrl: string): Promise<true | string> {
  try {
    const response = await fetch(new URL('/v1/health', apiUrl), {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? true : `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * The tessera the tests should use, found as the CLI finds it: `TESSERA_API_URL` (which must answer,
 * with a key from `TESSERA_SECRET_KEY` or `.tessera/secret-key`), else one answering at the default
 * URL when a key is at hand. Undefined when there is none, so the caller may start its own.
 */
export async function findRunningTessera(): Promise<ResolvedConnection | undefined> {
  if (process.env.TESSERA_API_URL) {
    const connection = resolveConnection();
    const health = await answersHealth(connection.apiUrl);
    if (health !== true) {
      throw new ConfigurationError(
        'TESSERA_API_URL',
        `(${connection.apiUrl}) does not answer GET /v1/health (${health}): start tessera there (npx @tessera/server) or unset TESSERA_API_URL to have one started for the run`,
      );
    }
    return connection;
  }
  const key = findSecretKey();
  if (key === undefined || (await answersHealth(DEFAULT_API_URL)) !== true) return undefined;
  return { apiUrl: DEFAULT_API_URL, secretKey: key.secretKey };
}
