import type { SessionJSON } from '@tessera/wire';
import { fromNullableJsonColumn } from '../store/json-column';
import type { SessionTable } from '../store/schema';

/** An active session past `expire_at` is reported as `expired`. */
export function sessionStatusAt(session: SessionTable, now: number): SessionJSON['status'] {
  return session.status === 'active' && session.expire_at <= now ? 'expired' : session.status;
}

export function serializeSession(session: SessionTable, now: number): SessionJSON {
  return {
    object: 'session',
    id: session.id,
    client_id: session.client_id,
    user_id: session.user_id,
    status: sessionStatusAt(session, now),
    actor: fromNullableJsonColumn(session.actor),
    last_active_organization_id: session.last_active_organization_id,
    last_active_at: session.last_active_at,
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}
