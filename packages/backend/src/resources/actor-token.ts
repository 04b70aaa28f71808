import { type ActorTokenJSON, actorTokenObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';
import { type TicketFields, toTicketFields } from './ticket';

/**
 * An actor token: a one-time credential that signs someone else (the `actor`, e.g. a support agent)
 * in as `userId`. The session's `actor` and its JWTs' `act` are the `actor` object as given.
 * `token` and `url` are only present in the reply to `create`.
 *
 * @example
 * ```ts
 * const actorToken = await client.actorTokens.create({ userId: 'user_...', actor: { sub: 'support_42' } });
 * actorToken.actor; // { sub: 'support_42' }
 * ```
 */
export interface ActorToken extends TicketFields {
  readonly object: 'actor_token';
  /** Who acts: `{ sub, ...anything }`, keys exactly as given to `create`. */
  readonly actor: JsonObject;
}

/** Maps an already validated wire object. */
export function toActorToken(wire: ActorTokenJSON): ActorToken {
  return Object.freeze({ object: wire.object, ...toTicketFields(wire), actor: wire.actor });
}

/**
 * Reads an `actor_token` object from the wire.
 *
 * @example
 * ```ts
 * const actorToken = ActorToken.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const ActorToken = {
  fromJSON(json: unknown): ActorToken {
    return toActorToken(readWire(actorTokenObject, json, 'ActorToken'));
  },
};
