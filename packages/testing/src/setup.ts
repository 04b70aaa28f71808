import type { FixturesDocument } from '@tessera/backend';
import { clientFor } from './connection';

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
 * For Playwright's `globalSetup`: uses the tessera at `TESSERA_API_URL` with `TESSERA_SECRET_KEY`
 * when both are set; otherwise starts one in this process on an in-memory database and sets those
 * variables, which Playwright passes on to its workers. Either way it applies `seed` and
 * `sessionClaims` when given. Resolves to the teardown function.
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
  if (process.env.TESSERA_API_URL && process.env.TESSERA_SECRET_KEY) {
    const client = clientFor();
    if (options.sessionClaims) await client.sessionTokenTemplate.set({ claims: options.sessionClaims });
    if (options.seed) await client.fixtures.apply(options.seed);
    return async () => {};
  }
  const { startTessera } = await import('@tessera/server');
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
  process.env.TESSERA_API_URL = tessera.url;
  process.env.TESSERA_SECRET_KEY = tessera.secretKey;
  return async () => {
    await tessera.close();
    delete process.env.TESSERA_API_URL;
    delete process.env.TESSERA_SECRET_KEY;
  };
}
