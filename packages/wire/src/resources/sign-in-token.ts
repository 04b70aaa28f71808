import { idSchema } from '../ids';
import { fields, type Infer, literal, object } from '../schema';
import { ticketLimits, ticketListQueryFields, ticketObjectFields, ticketTermsParams } from './ticket';

/**
 * Defaults of a sign-in token: the link an app sends a user (a magic link) stays usable 30 days, as
 * Clerk's does, and starts an ordinary week-long session.
 */
export const SIGN_IN_TOKEN_LIMITS = ticketLimits(30 * 24 * 3600, 604_800);

export const signInTokenObject = object(
  fields(() => ({
    object: literal('sign_in_token'),
    ...ticketObjectFields('signInToken'),
  })),
);

/** What `@clerk/backend`'s `signInTokens.createSignInToken` sends, and tessera's optional extras. */
export const createSignInTokenParams = object(
  fields(() => ({
    user_id: idSchema('user'),
    ...ticketTermsParams(SIGN_IN_TOKEN_LIMITS),
  })),
);

export const listSignInTokensQuery = object(
  fields(() => ({
    ...ticketListQueryFields,
  })),
);

export type SignInTokenJSON = Infer<typeof signInTokenObject>;
export type CreateSignInTokenParams = Infer<typeof createSignInTokenParams>;
export type ListSignInTokensQuery = Infer<typeof listSignInTokensQuery>;
