import {
  type JwkJSON,
  jwksObject,
  sessionWithTokenObject,
  ticketAcceptanceObject,
  tokenObject,
} from '@tessera/wire';
import { readWire } from './read-wire';
import { type Session, toSession } from './session';

/**
 * A freshly minted session JWT.
 *
 * @example
 * ```ts
 * const { jwt } = await client.sessions.getToken('sess_...');
 * await fetch(apiUrl, { headers: { Authorization: `Bearer ${jwt}` } });
 * ```
 */
export interface Token {
  readonly object: 'token';
  /** A bearer credential: keep it out of logs. */
  readonly jwt: string;
}

/**
 * Reads a `token` object from the wire.
 *
 * @example
 * ```ts
 * const token = Token.fromJSON({ object: 'token', jwt });
 * ```
 */
export const Token = {
  fromJSON(json: unknown): Token {
    const wire = readWire(tokenObject, json, 'Token');
    return Object.freeze({ object: wire.object, jwt: wire.jwt });
  },
};

/**
 * The result of exchanging a ticket (the `token` of a test session token, sign-in token, actor token
 * or agent task) from code: the new session and its first JWT.
 *
 * @example
 * ```ts
 * const { session, jwt } = await client.testSessionTokens.accept(token.token);
 * ```
 */
export interface TicketAcceptance {
  readonly object: 'ticket_acceptance';
  readonly session: Session;
  /** A bearer credential: keep it out of logs. */
  readonly jwt: string;
}

/**
 * Reads a `ticket_acceptance` object from the wire.
 *
 * @example
 * ```ts
 * const { session, jwt } = TicketAcceptance.fromJSON(json);
 * ```
 */
export const TicketAcceptance = {
  fromJSON(json: unknown): TicketAcceptance {
    const wire = readWire(ticketAcceptanceObject, json, 'TicketAcceptance');
    return Object.freeze({ object: wire.object, session: toSession(wire.session), jwt: wire.jwt });
  },
};

/**
 * A session made for a user at once, and its first JWT: one call from a user id to a credential an
 * app accepts, for tests.
 *
 * @example
 * ```ts
 * const { session, jwt } = await client.sessions.createWithToken({ userId: 'user_...' });
 * ```
 */
export interface SessionWithToken {
  readonly object: 'session_with_token';
  readonly session: Session;
  /** A bearer credential: keep it out of logs. */
  readonly jwt: string;
}

/**
 * Reads a `session_with_token` object from the wire.
 *
 * @example
 * ```ts
 * const { session, jwt } = SessionWithToken.fromJSON(json);
 * ```
 */
export const SessionWithToken = {
  fromJSON(json: unknown): SessionWithToken {
    const wire = readWire(sessionWithTokenObject, json, 'SessionWithToken');
    return Object.freeze({ object: wire.object, session: toSession(wire.session), jwt: wire.jwt });
  },
};

/**
 * One public signing key (RSA, RS256).
 *
 * @example
 * ```ts
 * const jwk: Jwk | undefined = (await client.jwks.get()).keys[0];
 * jwk?.kid;
 * ```
 */
export type Jwk = Readonly<JwkJSON>;

/**
 * The instance's public signing keys.
 *
 * @example
 * ```ts
 * const { keys } = await client.jwks.get();
 * keys.map((key) => key.kid);
 * ```
 */
export interface Jwks {
  readonly keys: readonly Jwk[];
}

/**
 * Reads a JWKS (`{ keys: [...] }`) from the wire.
 *
 * @example
 * ```ts
 * const jwks = Jwks.fromJSON(await (await fetch(`${apiUrl}/.well-known/jwks.json`)).json());
 * ```
 */
export const Jwks = {
  fromJSON(json: unknown): Jwks {
    const wire = readWire(jwksObject, json, 'Jwks');
    return Object.freeze({ keys: Object.freeze(wire.keys.map((key) => Object.freeze({ ...key }))) });
  },
};

/**
 * One page of a list, with the total number of matching items.
 *
 * @example
 * ```ts
 * const { data, totalCount } = await client.users.list({ limit: 20 });
 * ```
 */
export interface PaginatedList<T> {
  readonly data: readonly T[];
  readonly totalCount: number;
}
