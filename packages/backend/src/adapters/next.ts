export type { SignOutOptions } from '../auth/adapter-support';
export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookies';
export type {
  GetToken,
  GetTokenOptions,
  NextAuth,
  ProtectCheck,
  ProtectOptions,
  SignedInNextAuth,
  SignedOutNextAuth,
} from './next/auth-state';
export {
  type MiddlewareAuth,
  type TesseraMiddleware,
  type TesseraMiddlewareHandler,
  type TesseraMiddlewareOptions,
  tesseraMiddleware,
} from './next/middleware';
export { createRouteMatcher, type RouteMatcherParam, type RouteRequest } from './next/route-matcher';
export { auth, type ServerAuth } from './next/server-auth';
export { signOut } from './next/sign-out';
