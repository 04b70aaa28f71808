export {
  createAgentTestingTask,
  type StartAgentTaskOptions,
  type StartedAgentTask,
  startAgentTask,
} from './agent-task';
export type { ConnectionOptions } from './connection';
export { SignInError, type SignInErrorCode } from './errors';
export type { SignInOrganization } from './organization';
export type { PageLike } from './page';
export { type TesseraSetupOptions, tesseraSetup } from './setup';
export {
  type SignInActor,
  type SignInAgent,
  type SignInClaims,
  type SignInOptions,
  signIn,
} from './sign-in';
export {
  type CreateStorageStateOptions,
  createStorageState,
  type StorageState,
  type StorageStateCookie,
} from './storage-state';
export { signInWithTicket, type Ticket } from './tickets';
export { type TesseraWebServer, type TesseraWebServerOptions, tesseraWebServer } from './web-server';
export type { SignInAs } from './who';
