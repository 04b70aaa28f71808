import { idSchema } from '../ids';
import { fields, type Infer, jsonObject, literal, object, openObject, string } from '../schema';
import { ticketLimits, ticketListQueryFields, ticketObjectFields, ticketTermsParams } from './ticket';

/** Defaults of an actor token, as Clerk's: the link lives an hour, the session 30 minutes. */
export const ACTOR_TOKEN_LIMITS = ticketLimits(3600, 1800);

/** The bound on an actor's JSON: it travels in every JWT of the session. */
export const ACTOR_MAX_BYTES = 1024;

/**
 * Who acts: `sub` names them (a user id, an email, a support agent's id); any other keys are kept
 * and travel with it into the session's `actor` and the JWT's `act`.
 */
export const actorParam = openObject(
  { sub: string({ minLength: 1, maxLength: 256, printable: true, description: 'Who acts' }) },
  { maxBytes: ACTOR_MAX_BYTES },
);

export const actorTokenObject = object(
  fields(() => ({
    object: literal('actor_token'),
    ...ticketObjectFields('actorToken'),
    actor: jsonObject(),
  })),
);

/** What `@clerk/backend`'s `actorTokens.create` sends, and tessera's optional `redirect_url`. */
export const createActorTokenParams = object(
  fields(() => ({
    user_id: idSchema('user'),
    actor: actorParam,
    ...ticketTermsParams(ACTOR_TOKEN_LIMITS),
  })),
);

export const listActorTokensQuery = object(
  fields(() => ({
    ...ticketListQueryFields,
  })),
);

export type ActorTokenJSON = Infer<typeof actorTokenObject>;
export type CreateActorTokenParams = Infer<typeof createActorTokenParams>;
export type ListActorTokensQuery = Infer<typeof listActorTokensQuery>;
