import { HANDOFF_LIFETIME_SECONDS, HANDOFF_PARAM } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { generateTicketValue, sha256Hex } from '../core/secrets';
import type { Executor } from '../store/database';
import * as store from '../store/handoffs-store';
import type { SessionTable } from '../store/schema';
import { findSessionById } from '../store/sessions-store';
import { mintSessionToken } from './sessions-service';

/**
 * Creates the handoff for a session and returns `redirectUrl` carrying it. The value lives at most
 * 60 seconds and is redeemed once, by the app's backend with its secret key.
 */
export async function handoffRedirect(
  db: Executor,
  sessionId: string,
  redirectUrl: string,
  now: number,
): Promise<string> {
  const value = generateTicketValue();
  await store.insertHandoff(db, {
    handoff_hash: sha256Hex(value),
    session_id: sessionId,
    created_at: now,
    expires_at: now + HANDOFF_LIFETIME_SECONDS * 1000,
    redeemed_at: null,
  });
  const url = new URL(redirectUrl);
  url.searchParams.set(HANDOFF_PARAM, value);
  return url.href;
}

export interface RedeemedHandoff {
  readonly session: SessionTable;
  readonly jwt: string;
  /** Held by the app (HttpOnly cookie) to get fresh JWTs; only its hash is stored. */
  readonly refreshToken: string;
}

const INVALID_HANDOFF = () =>
  new ApiError('session_handoff_invalid', 'This handoff is unknown, expired or already used.', {
    param_name: 'handoff',
  });

export async function redeemHandoff(
  ctx: ServerContext,
  handoff: string,
  caller: Caller,
): Promise<RedeemedHandoff> {
  const now = ctx.clock.now();
  const refreshToken = generateTicketValue();
  const session = await ctx.db.transaction().execute(async (trx) => {
    const sessionId = await store.redeemHandoff(trx, sha256Hex(handoff), now);
    const found = sessionId ? await findSessionById(trx, sessionId) : undefined;
    if (!found) throw INVALID_HANDOFF();
    await store.setRefreshTokenHash(trx, found.id, sha256Hex(refreshToken));
    return found;
  });
  // Throws session_not_active when the session was revoked between acceptance and redemption.
  const jwt = await mintSessionToken(ctx, session, caller);
  return { session, jwt, refreshToken };
}

/** A fresh JWT for the session a refresh token is bound to, while that session is active. */
export async function refreshSession(
  ctx: ServerContext,
  refreshToken: string,
  caller: Caller,
): Promise<{ session: SessionTable; jwt: string }> {
  const session = await store.findSessionByRefreshTokenHash(ctx.db, sha256Hex(refreshToken));
  if (!session) {
    throw new ApiError('refresh_token_invalid', 'This refresh token does not belong to any session.', {
      param_name: 'refresh_token',
    });
  }
  return { session, jwt: await mintSessionToken(ctx, session, caller) };
}
