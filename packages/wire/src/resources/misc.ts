import { type IdKind, idSchema } from '../ids';
import { array, boolean, type Infer, literal, object, string } from '../schema';
import { sessionObject } from './session';

/** `POST /v1/tickets/accept` body: the ticket is the credential. */
export const acceptTicketParams = object({
  ticket: string({ minLength: 1, maxLength: 512 }),
});

/** The reply to `POST /v1/tickets/accept`. */
export const ticketAcceptanceObject = object({
  object: literal('ticket_acceptance'),
  session: sessionObject,
  jwt: string(),
});

/* @__NO_SIDE_EFFECTS__ */
export function deletedObjectOf<const O extends string>(objectName: O, kind: IdKind) {
  return object({ object: literal(objectName), id: idSchema(kind), deleted: boolean() });
}

export const deletedUserObject = deletedObjectOf('user', 'user');

export const jwkObject = object({
  kty: literal('RSA'),
  kid: string(),
  alg: literal('RS256'),
  use: literal('sig'),
  n: string(),
  e: string(),
});

export const jwksObject = object({ keys: array(jwkObject) });

export const healthObject = object({ object: literal('health'), status: literal('ok') });

export type TicketAcceptanceJSON = Infer<typeof ticketAcceptanceObject>;
export type DeletedObjectJSON = Infer<typeof deletedUserObject>;
export type JwkJSON = Infer<typeof jwkObject>;
export type JwksJSON = Infer<typeof jwksObject>;
