import { version } from '../package.json';

/**
 * The version of this package, sent in the default `User-Agent`. Read from package.json at build
 * time (only this field is bundled), so a release's version bump cannot leave it behind.
 *
 * @example
 * ```ts
 * import { SDK_VERSION } from '@tessera/backend';
 * console.log(`@tessera/backend ${SDK_VERSION}`);
 * ```
 */
export const SDK_VERSION: string = version;
