import type { FixturesDocument } from '@tessera/backend';
import { clientFor } from './connection';
import { importServer } from './in-process-server';
import { findRunningTessera } from './running-tessera';

/**
 * Options of {@link tesseraSetup}. `seed` and `sessionClaims` apply to any tessera it uses; the
 * others only when it starts one of its own.
 *
 * @example
 * ```ts
 * // global-setup.ts
 * import { tesseraSetup } from '@tessera/testing';
 * export default () => tesseraSetup({ allowedRedirectOrigins: ['http://app.test:3000'] });
 * ```
 */
export interface TesseraSetupOptions {
  /** Origins tickets may redirect to, besides the loopback ones a development instance allows. */
  readonly allowedRedirectOrigins?: readonly string[];
  /** Session JWT lifetime of the in-process server (default 60). */
  readonly sessionTokenLifetimeSeconds?: number;
  /** Port of the in-process server (default: a free one). */
  readonly port?: number;
  /**
   * Users, organizations (with members), roles and permissions the run starts from, as `tessera
   * seed` reads them (snake_case). Applied at start, or through `POST /v1/fixtures` to a configured
   * tessera; applying it again changes nothing. A bad one rejects, naming the entry.
   */
  readonly seed?: FixturesDocument;
  /**
   * The instance's session token template: custom claims in every session JWT (shortcodes such as
   * `'{{user.public_metadata.plan}}'` allowed). Set at start, or with `PUT /v1/session_token_template`
   * on a configured tessera (it replaces that instance's template).
   */
  readonly sessionClaims?: Record<string, unknown>;
}

/**
 * For Playwright's `globalSetup`. Uses the tessera the CLI would use: the one at `TESSERA_API_URL`,
 * or one answering at `http://127.0.0.1:4000` when the key is in `TESSERA_SECRET_KEY` or
 * `.tessera/secret-key`. Otherwise it starts one in this process on an in-memory database (this needs
 * `@tessera/server` installed). Either way it applies `seed` and `sessionClaims`, and sets
 * `TESSERA_API_URL` and `TESSERA_SECRET_KEY`, which Playwright passes on to its workers. Resolves to
 * the teardown function.
 *
 * @example
 * ```ts
 * // global-setup.ts
 * import { tesseraSetup } from '@tessera/testing';
 * export default tesseraSetup;
 * // playwright.config.ts: globalSetup: './global-setup.ts'
 *
 * // or, with users and an organization to sign in as:
 * export default () =>
 *   tesseraSetup({
 *     seed: {
 *       users: [{ email_address: ['ada@example.com'] }],
 *       organizations: [{ name: 'Acme', slug: 'acme', members: [{ user: 'ada@example.com', role: 'org:admin' }] }],
 *     },
 *   });
 * ```
 */
export async function tesseraSetup(options: TesseraSetupOptions = {}): Promise<() => Promise<void>> {
  const running = await findRunningTessera();
  if (running) {
    const client = clientFor(running);
    if (options.sessionClaims) await client.sessionTokenTemplate.set({ claims: options.sessionClaims });
    if (options.seed) await client.fixtures.apply(options.seed);
    return exportConnection(running.apiUrl, running.secretKey);
  }
  const { startTessera } = await importServer();
  const tessera = await startTessera({
    databaseUrl: ':memory:',
    port: options.port ?? 0,
    log: () => {},
    ...(options.allowedRedirectOrigins && { allowedRedirectOrigins: options.allowedRedirectOrigins }),
    ...(options.sessionTokenLifetimeSeconds && {
      sessionTokenLifetimeSeconds: options.sessionTokenLifetimeSeconds,
    }),
    ...(options.seed && { seed: options.seed }),
    ...(options.sessionClaims && { sessionClaims: options.sessionClaims }),
  });
  // A new in-memory instance always generates its key, so it is known here.
  const restore = exportConnection(tessera.url, tessera.secretKey ?? '');
  return async () => {
    await tessera.close();
    await restore();
  };
}

/** Sets the two variables for the workers; the returned teardown puts back what was there. */
function exportConnection(apiUrl: string, secretKey: string): () => Promise<void> {
  const before = { url: process.env.TESSERA_API_URL, key: process.env.TESSERA_SECRET_KEY };
  process.env.TESSERA_API_URL = apiUrl;
  process.env.TESSERA_SECRET_KEY = secretKey;
  return async () => {
    restoreVariable('TESSERA_API_URL', before.url);
    restoreVariable('TESSERA_SECRET_KEY', before.key);
  };
}

function restoreVariable(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
