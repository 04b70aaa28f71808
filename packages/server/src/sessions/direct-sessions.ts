import {
  type CreateSessionParams,
  DIRECT_SESSION_DEFAULT_SECONDS,
  type SessionWithTokenJSON,
} from '@tessera/wire';
import { type Caller, recordEvents } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import type { SessionTable } from '../store/schema';
import { lockUserStatus, recordSignIn } from '../store/users-store';
import { userRefusal } from '../users/user-refusal';
import { serializeSession } from './serialize-session';
import { insertNewSession, signJwtFor } from './sessions-service';

/**
 * `POST /v1/sessions`: a session for a user at once, as `@clerk/backend`'s `sessions.createSession`
 * asks, for tests. It signs the user in as a ticket would, so a production instance refuses it as it
 * refuses test session tokens, and a banned or locked user gets none. The session is not marked
 * (no `actor`); the audit log records who made it.
 */
export async function createSessionDirectly(
  ctx: ServerContext,
  params: CreateSessionParams,
  caller: Caller,
): Promise<SessionTable> {
  if (ctx.environment === 'production' && !ctx.settings.testSessionTokensEnabled) {
    throw new ApiError(
      'test_session_tokens_disabled',
      'A production instance creates sessions only through sign-in. Set TESSERA_ENABLE_TEST_SESSION_TOKENS=true to allow POST /v1/sessions.',
    );
  }
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const user = await lockUserStatus(trx, params.user_id);
    if (!user) throw ApiError.notFound('User', 'user_id');
    const refusal = userRefusal(user, `User ${params.user_id}`, { param_name: 'user_id' });
    if (refusal) throw refusal;
    const session = await insertNewSession(
      trx,
      {
        userId: params.user_id,
        maxDurationSeconds: params.session_max_duration_in_seconds ?? DIRECT_SESSION_DEFAULT_SECONDS,
        actor: null,
        ticketId: null,
        authorizedParty: null,
      },
      now,
    );
    await recordSignIn(trx, params.user_id, now);
    await recordEvents(
      trx,
      [
        {
          type: 'session.started',
          actor: caller.actor,
          client: caller.client,
          userId: params.user_id,
          sessionId: session.id,
        },
      ],
      now,
    );
    return session;
  });
}

/**
 * `POST /v1/sessions/with_token`, and `RunningTessera.createSessionWithToken` without HTTP: the
 * session of `createSessionDirectly` and its first JWT, signed at once (the user was checked and the
 * session started a moment ago, in the transaction), as accepting a ticket answers.
 */
export async function createSessionWithToken(
  ctx: ServerContext,
  params: CreateSessionParams,
  caller: Caller,
): Promise<SessionWithTokenJSON> {
  const session = await createSessionDirectly(ctx, params, caller);
  const jwt = await signJwtFor(ctx, session, ctx.settings.sessionTokenLifetimeSeconds);
  return { object: 'session_with_token', session: serializeSession(session, ctx.clock.now()), jwt };
}
