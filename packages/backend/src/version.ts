import packageJson from '../package.json' with { type: 'json' };

/**
 * The version of this package, sent in the default `User-Agent`. Read from package.json at build
 * time, so a release's version bump cannot leave it behind. A default import with its attribute, as
 * Node reads JSON modules, so the sources load unbundled too (Playwright's loader, Vitest).
 *
 * @example
 * ```ts
 * import { SDK_VERSION } from '@tessera/backend';
 * console.log(`@tessera/backend ${SDK_VERSION}`);
 * ```
 */
export const SDK_VERSION: string = packageJson.version;
