export type { ConnectionOptions } from './connection';
export { type TesseraSetupOptions, tesseraSetup } from './setup';
export { type PageLike, type SignInOptions, signIn } from './sign-in';
export {
  type CreateStorageStateOptions,
  createStorageState,
  type StorageState,
  type StorageStateCookie,
} from './storage-state';
export type { SignInAs } from './who';
