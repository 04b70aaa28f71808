import { ConfigurationError } from '@tessera/backend';

type ServerModule = typeof import('@tessera/server');

/**
 * `@tessera/server`, an optional peer: needed only to start tessera inside the test runner. Without
 * it the error says both ways out.
 */
export async function importServer(): Promise<ServerModule> {
  try {
    return await import('@tessera/server');
  } catch (error) {
    const notInstalled =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      String((error as Error).message).includes("'@tessera/server'");
    if (!notInstalled) throw error;
    throw new ConfigurationError(
      '@tessera/server',
      'is not installed, and no tessera is running for the tests: install it to start one in the test runner (npm install -D @tessera/server), or start one (npx @tessera/server) and set TESSERA_API_URL',
    );
  }
}
