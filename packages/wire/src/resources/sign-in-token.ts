import { idSchema } from '../ids';
import { type Infer, literal, object, optional } from '../schema';
import {
  expiresInSecondsParam,
  redirectUrlParam,
  sessionMaxDurationParam,
  TICKET_LIFETIME_BOUNDS,
  ticketListQueryFields,
  ticketObjectFields,
} from './ticket';

/**
 * Defaults of a sign-in token: the link an app sends a user (a magic link) stays usable 30 days, as
 * Clerk's does, and starts an ordinary week-long session.
 */
export const SIGN_IN_TOKEN_LIMITS = {
  expiresInSeconds: { ...TICKET_LIFETIME_BOUNDS.expiresInSeconds, default: 30 * 24 * 3600 },
  sessionMaxDurationInSeconds: { ...TICKET_LIFETIME_BOUNDS.sessionMaxDurationInSeconds, default: 604_800 },
} as const;

export const signInTokenObject = object({
  object: literal('sign_in_token'),
  ...ticketObjectFields('signInToken'),
});

/** What `@clerk/backend`'s `signInTokens.createSignInToken` sends, and tessera's optional extras. */
export const createSignInTokenParams = object({
  user_id: idSchema('user'),
  expires_in_seconds: expiresInSecondsParam(SIGN_IN_TOKEN_LIMITS.expiresInSeconds.default),
  session_max_duration_in_seconds: sessionMaxDurationParam(
    SIGN_IN_TOKEN_LIMITS.sessionMaxDurationInSeconds.default,
  ),
  redirect_url: optional(redirectUrlParam),
});

export const listSignInTokensQuery = object({
  ...ticketListQueryFields,
});

export type SignInTokenJSON = Infer<typeof signInTokenObject>;
export type CreateSignInTokenParams = Infer<typeof createSignInTokenParams>;
export type ListSignInTokensQuery = Infer<typeof listSignInTokensQuery>;
