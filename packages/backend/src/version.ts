/**
 * The version of this package, sent in the default `User-Agent`.
 *
 * @example
 * ```ts
 * import { SDK_VERSION } from '@tessera/backend';
 * console.log(`@tessera/backend ${SDK_VERSION}`);
 * ```
 */
export const SDK_VERSION = '0.1.0';
