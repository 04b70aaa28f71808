import { type Caller, recordEvents } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import type { Executor } from '../store/database';
import type { Paging } from '../store/paging';
import type { JwtTemplateTable, SessionTable } from '../store/schema';
import * as store from '../store/sessions-store';
import { findUserStatus } from '../store/users-store';
import { sessionStatusAt } from './serialize-session';
import { sessionClaimsOf } from './session-claims';
import { signSessionJwt } from './session-jwt';
import { signTemplateJwt } from './template-jwt';

export interface NewSession {
  readonly userId: string;
  readonly maxDurationSeconds: number;
  readonly actor: Readonly<Record<string, unknown>> | null;
  readonly ticketId: string | null;
  readonly authorizedParty: string | null;
  /** The organization its JWTs carry; the caller has checked the user is a member. */
  readonly organizationId?: string | null;
  /** Custom claims for this session only (a test session token's). */
  readonly claims?: Readonly<Record<string, unknown>> | null;
}

/** The row of a new session, active from `now`. */
export function newSessionRow(input: NewSession, now: number): SessionTable {
  const expireAt = now + input.maxDurationSeconds * 1000;
  return {
    id: newId('session', now),
    client_id: newId('client', now),
    user_id: input.userId,
    status: 'active',
    actor: input.actor ? JSON.stringify(input.actor) : null,
    ticket_id: input.ticketId,
    authorized_party: input.authorizedParty,
    refresh_token_hash: null,
    last_active_organization_id: input.organizationId ?? null,
    claims: input.claims ? JSON.stringify(input.claims) : null,
    last_active_at: now,
    expire_at: expireAt,
    abandon_at: expireAt,
    created_at: now,
    updated_at: now,
  };
}

/** Inserts a session inside the caller's transaction (the ticket engine's accept). */
export async function insertNewSession(db: Executor, input: NewSession, now: number): Promise<SessionTable> {
  const session = newSessionRow(input, now);
  await store.insertSession(db, session);
  return session;
}

export async function getSession(ctx: ServerContext, id: string): Promise<SessionTable> {
  const session = await store.findSessionById(ctx.db, id);
  if (!session) throw ApiError.notFound('Session');
  return session;
}

export function listSessions(ctx: ServerContext, filters: store.SessionFilters, paging: Paging) {
  return store.listSessions(ctx.db, filters, paging, ctx.clock.now());
}

/** Revokes (by the backend) or ends (by the user signing out) an active session. */
export async function endSession(
  ctx: ServerContext,
  id: string,
  status: 'revoked' | 'ended',
  caller: Caller,
): Promise<SessionTable> {
  const now = ctx.clock.now();
  const ended = await ctx.db.transaction().execute(async (trx) => {
    if (!(await store.endSession(trx, id, status, now))) return undefined;
    const session = await store.findSessionById(trx, id);
    if (!session) return undefined;
    await recordEvents(
      trx,
      [
        {
          type: status === 'revoked' ? 'session.revoked' : 'session.ended',
          actor: caller.actor,
          client: caller.client,
          userId: session.user_id,
          sessionId: session.id,
        },
      ],
      now,
    );
    return session;
  });
  if (ended) return ended;
  const session = await getSession(ctx, id);
  throw new ApiError(
    'session_cannot_be_revoked',
    `Session ${session.id} is ${sessionStatusAt(session, now)}; only an active session can be ${status}.`,
    { session_status: sessionStatusAt(session, now) },
  );
}

/**
 * A fresh session JWT: RS256, `lifetimeSeconds` long (the instance setting by default), never
 * outliving the session; or, given a JWT template, a JWT made from it (its lifetime by default).
 * Refused once the session is no longer active or its user is gone or banned.
 */
export async function mintSessionToken(
  ctx: ServerContext,
  session: SessionTable,
  caller: Caller,
  lifetimeSeconds?: number,
  template?: JwtTemplateTable,
): Promise<string> {
  const now = ctx.clock.now();
  const status = sessionStatusAt(session, now);
  const refuse = async (why: string, data: Record<string, unknown>) => {
    await recordEvents(
      ctx.db,
      [
        {
          type: 'session.refresh_refused',
          actor: caller.actor,
          client: caller.client,
          userId: session.user_id,
          sessionId: session.id,
          reason: 'session_not_active',
          data,
        },
      ],
      now,
    ).catch(() => {}); // the refusal is the answer, recorded or not: never a 500 instead of it
    return new ApiError('session_not_active', why, { session_status: status });
  };
  if (status !== 'active') {
    throw await refuse(`Session ${session.id} is ${status}; no token can be issued for it.`, {
      session_status: status,
    });
  }
  const user = await findUserStatus(ctx.db, session.user_id);
  if (!user || user.banned === 1) {
    throw await refuse(`The user of session ${session.id} can no longer sign in.`, {
      user: user ? 'banned' : 'deleted',
    });
  }
  await store.touchSession(ctx.db, session.id, now);
  return template
    ? signTemplateJwt(ctx, session, template, lifetimeSeconds)
    : signJwtFor(ctx, session, lifetimeSeconds ?? ctx.settings.sessionTokenLifetimeSeconds);
}

/**
 * Signs a JWT for a session the caller has just checked (active, user allowed): RS256 with the
 * current key, `lifetimeSeconds` long, never outliving the session.
 */
export async function signJwtFor(
  ctx: ServerContext,
  session: SessionTable,
  lifetimeSeconds: number,
): Promise<string> {
  const now = ctx.clock.now();
  const iat = Math.floor(now / 1000);
  const exp = Math.min(iat + lifetimeSeconds, Math.floor(session.expire_at / 1000));
  const custom = await sessionClaimsOf(ctx, session, now);
  return signSessionJwt(await ctx.keys.current(), {
    ...custom,
    iss: ctx.settings.publicUrl,
    sub: session.user_id,
    sid: session.id,
    iat,
    nbf: iat,
    exp,
    ...(session.authorized_party !== null && { azp: session.authorized_party }),
    v: 2,
    sts: 'active',
    ...(session.actor !== null && { act: JSON.parse(session.actor) as Record<string, unknown> }),
  });
}
