import { randomBytes } from 'node:crypto';

/**
 * Options of {@link tesseraWebServer}: the settings of the tessera Playwright starts, each passed as
 * the environment variable `tessera serve` reads.
 *
 * @example
 * ```ts
 * const options: TesseraWebServerOptions = { port: 4100, seed: './tests/seed.json' };
 * ```
 */
export interface TesseraWebServerOptions {
  /** Port on 127.0.0.1 (default 4000, the CLI's default). */
  readonly port?: number;
  /** A fixtures file (JSON, or YAML if `.yaml`/`.yml`) applied at start; relative to the config. */
  readonly seed?: string;
  /** The instance's session token template: custom claims in every session JWT. */
  readonly sessionClaims?: Record<string, unknown>;
  /** Origins tickets may redirect to, besides the loopback ones a development instance allows. */
  readonly allowedRedirectOrigins?: readonly string[];
  /**
   * Origins of apps that sign in with Clerk's SDKs (`clerkMiddleware`): tickets land there through
   * Clerk's development handshake (`TESSERA_CLERK_APP_ORIGINS`). They are allowed redirect origins too.
   */
  readonly clerkAppOrigins?: readonly string[];
  /** Session JWT lifetime in seconds (default 60). */
  readonly sessionTokenLifetimeSeconds?: number;
  /** Database URL (default `:memory:`: every run starts from the seed alone). */
  readonly databaseUrl?: string;
  /** The command that starts tessera (default `npx @tessera/server`, the installed one). */
  readonly command?: string;
  /** Use a tessera already answering on the port instead of starting one (default false). */
  readonly reuseExistingServer?: boolean;
  /** Milliseconds to wait for `/v1/health` (default 60000). */
  readonly timeout?: number;
}

/**
 * One entry of Playwright's `webServer`, in the shape Playwright reads. `env` holds `TESSERA_API_URL`
 * and `TESSERA_SECRET_KEY` (and the server's settings): give it to the app's entry too.
 */
export interface TesseraWebServer {
  readonly command: string;
  readonly url: string;
  readonly env: Record<string, string>;
  readonly reuseExistingServer: boolean;
  readonly timeout: number;
  readonly stdout: 'ignore';
  readonly stderr: 'pipe';
}

/**
 * tessera as an entry of Playwright's `webServer`, started before the app and stopped after the run.
 * It fixes the run's secret key (a new development key unless `TESSERA_SECRET_KEY` is set) and
 * `TESSERA_API_URL` in `process.env`, so the workers, the helpers and the app's entry (`env:
 * tessera.env`) all reach the same tessera.
 *
 * @example
 * ```ts
 * // playwright.config.ts
 * import { defineConfig } from '@playwright/test';
 * import { tesseraWebServer } from '@tessera/testing';
 *
 * const tessera = tesseraWebServer({ seed: './tests/seed.json' });
 *
 * export default defineConfig({
 *   use: { baseURL: 'http://localhost:3000' },
 *   webServer: [tessera, { command: 'node server.js', url: 'http://localhost:3000', env: tessera.env }],
 * });
 * ```
 */
export function tesseraWebServer(options: TesseraWebServerOptions = {}): TesseraWebServer {
  const port = options.port ?? 4000;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new TypeError(`tesseraWebServer: port must be an integer from 1 to 65535 (got ${String(port)})`);
  }
  const apiUrl = `http://127.0.0.1:${port}`;
  // The config is evaluated again in every worker; they inherit the runner's variables, so the
  // key made here once is the key everywhere.
  process.env.TESSERA_SECRET_KEY ||= `sk_test_${randomBytes(24).toString('base64url')}`;
  process.env.TESSERA_API_URL = apiUrl;
  const env: Record<string, string> = {
    TESSERA_API_URL: apiUrl,
    TESSERA_SECRET_KEY: process.env.TESSERA_SECRET_KEY,
    PORT: String(port),
    HOST: '127.0.0.1',
    TESSERA_DATABASE_URL: options.databaseUrl ?? ':memory:',
  };
  if (options.seed !== undefined) env.TESSERA_SEED = options.seed;
  if (options.sessionClaims !== undefined) env.TESSERA_SESSION_CLAIMS = JSON.stringify(options.sessionClaims);
  if (options.allowedRedirectOrigins !== undefined) {
    env.TESSERA_ALLOWED_REDIRECT_ORIGINS = options.allowedRedirectOrigins.join(',');
  }
  if (options.clerkAppOrigins !== undefined) {
    env.TESSERA_CLERK_APP_ORIGINS = options.clerkAppOrigins.join(',');
  }
  if (options.sessionTokenLifetimeSeconds !== undefined) {
    env.TESSERA_SESSION_TOKEN_LIFETIME_SECONDS = String(options.sessionTokenLifetimeSeconds);
  }
  return {
    command: options.command ?? 'npx @tessera/server',
    url: `${apiUrl}/v1/health`,
    env,
    reuseExistingServer: options.reuseExistingServer ?? false,
    timeout: options.timeout ?? 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  };
}
