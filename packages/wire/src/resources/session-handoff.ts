import { type Infer, literal, object, string } from '../schema';
import { sessionObject } from './session';

/**
 * The query parameter that carries a session from tessera's origin to the app's: single use, at most
 * 60 seconds, redeemable only with the app's secret key.
 */
export const HANDOFF_PARAM = '__tessera_handoff';

/** How long a handoff can be redeemed. */
export const HANDOFF_LIFETIME_SECONDS = 60;

export const redeemHandoffParams = object({
  handoff: string({ minLength: 1, maxLength: 512 }),
});

/** The reply to redeeming a handoff: the session, its first JWT, and a refresh token bound to it. */
export const sessionHandoffObject = object({
  object: literal('session_handoff'),
  session: sessionObject,
  jwt: string(),
  refresh_token: string(),
});

export const refreshSessionParams = object({
  refresh_token: string({ minLength: 1, maxLength: 512 }),
});

/** The reply to a refresh: a fresh JWT for the session the refresh token is bound to. */
export const sessionRefreshObject = object({
  object: literal('session_refresh'),
  session: sessionObject,
  jwt: string(),
});

export type SessionHandoffJSON = Infer<typeof sessionHandoffObject>;
export type SessionRefreshJSON = Infer<typeof sessionRefreshObject>;
