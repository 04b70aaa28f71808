import type { Caller } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { digestsEqual, sha256Hex } from '../core/secrets';
import { readOwnSessionJwt } from '../sessions/session-jwt';
import { getSession, mintSessionToken } from '../sessions/sessions-service';
import type { SessionTable } from '../store/schema';

export interface ExpiredTokenRefresh {
  readonly expiredToken: string;
  readonly refreshToken: string;
}

/**
 * `POST /v1/sessions/{id}/refresh`, as Clerk's client calls it when a cookie's JWT has expired: the
 * refresh token must be the session's and the expired JWT one this instance signed for it (its
 * expiry is the point, so it is not checked). A fresh JWT while the session is active.
 */
export async function refreshWithExpiredToken(
  ctx: ServerContext,
  sessionId: string,
  presented: ExpiredTokenRefresh,
  caller: Caller,
): Promise<{ session: SessionTable; jwt: string }> {
  const session = await getSession(ctx, sessionId);
  if (
    session.refresh_token_hash === null ||
    !digestsEqual(sha256Hex(presented.refreshToken), session.refresh_token_hash)
  ) {
    throw new ApiError('refresh_token_invalid', 'This refresh token does not belong to this session.', {
      param_name: 'refresh_token',
    });
  }
  const claims = await readOwnSessionJwt(presented.expiredToken, ctx.keys);
  if (claims?.sid !== session.id) {
    throw new ApiError(
      'form_param_value_invalid',
      'expired_token must be a session JWT this instance signed for this session.',
      { param_name: 'expired_token' },
    );
  }
  return { session, jwt: await mintSessionToken(ctx, session, caller) };
}
