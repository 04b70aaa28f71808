/**
 * Options of {@link tesseraSetup}, used only when it starts a tessera of its own.
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
}

/**
 * For Playwright's `globalSetup`: uses the tessera at `TESSERA_API_URL` with `TESSERA_SECRET_KEY`
 * when both are set; otherwise starts one in this process on an in-memory database and sets those
 * variables, which Playwright passes on to its workers. Resolves to the teardown function.
 *
 * @example
 * ```ts
 * // global-setup.ts
 * import { tesseraSetup } from '@tessera/testing';
 * export default tesseraSetup;
 * // playwright.config.ts: globalSetup: './global-setup.ts'
 * ```
 */
export async function tesseraSetup(options: TesseraSetupOptions = {}): Promise<() => Promise<void>> {
  if (process.env.TESSERA_API_URL && process.env.TESSERA_SECRET_KEY) return async () => {};
  const { startTessera } = await import('@tessera/server');
  const tessera = await startTessera({
    databaseUrl: ':memory:',
    port: options.port ?? 0,
    log: () => {},
    ...(options.allowedRedirectOrigins && { allowedRedirectOrigins: options.allowedRedirectOrigins }),
    ...(options.sessionTokenLifetimeSeconds && {
      sessionTokenLifetimeSeconds: options.sessionTokenLifetimeSeconds,
    }),
  });
  process.env.TESSERA_API_URL = tessera.url;
  process.env.TESSERA_SECRET_KEY = tessera.secretKey;
  return async () => {
    await tessera.close();
    delete process.env.TESSERA_API_URL;
    delete process.env.TESSERA_SECRET_KEY;
  };
}
