import { type SessionJSON, type SessionStatus, sessionObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * A session: one signed-in user on one client. Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const session = await client.sessions.get('sess_...');
 * if (session.status === 'active' && session.actor) console.log('acting for', session.userId);
 * ```
 */
export interface Session {
  readonly object: 'session';
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly status: SessionStatus;
  /** Who started the session when it was not the user (e.g. a test session token). */
  readonly actor: JsonObject | null;
  readonly lastActiveOrganizationId: string | null;
  readonly lastActiveAt: number;
  readonly expireAt: number;
  readonly abandonAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toSession(wire: SessionJSON): Session {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    clientId: wire.client_id,
    userId: wire.user_id,
    status: wire.status,
    actor: wire.actor,
    lastActiveOrganizationId: wire.last_active_organization_id,
    lastActiveAt: wire.last_active_at,
    expireAt: wire.expire_at,
    abandonAt: wire.abandon_at,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `session` object from the wire.
 *
 * @example
 * ```ts
 * const session = Session.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const Session = {
  fromJSON(json: unknown): Session {
    return toSession(readWire(sessionObject, json, 'Session'));
  },
};
