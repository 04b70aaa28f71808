import { TESTING_TOKEN_LIFETIME_SECONDS, type TestingTokenJSON } from '@tessera/wire';
import { type Caller, recordEvents } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { generateTicketValue } from '../core/secrets';

/**
 * A testing token, for `@clerk/testing`'s setup. On Clerk it lets test traffic past bot protection;
 * tessera has none, so nothing checks it and nothing stores it: issuing one is only recorded. Like
 * Clerk's, it exists on development instances only.
 */
export async function createTestingToken(ctx: ServerContext, caller: Caller): Promise<TestingTokenJSON> {
  if (ctx.environment === 'production') {
    throw new ApiError(
      'testing_tokens_disabled',
      'Testing tokens exist on development instances only (an sk_test_ secret key); no setting enables them on a production instance.',
    );
  }
  const now = ctx.clock.now();
  const expiresAt = now + TESTING_TOKEN_LIFETIME_SECONDS * 1000;
  await recordEvents(
    ctx.db,
    [
      {
        type: 'testing_token.issued',
        actor: caller.actor,
        client: caller.client,
        data: { expires_at: expiresAt },
      },
    ],
    now,
  );
  return {
    object: 'testing_token',
    token: `${Math.floor(expiresAt / 1000)}-${generateTicketValue()}`,
    expires_at: expiresAt,
  };
}
