import { createSessionParams, parse, type SessionWithTokenJSON } from '@tessera/wire';
import { type Caller, NO_CLIENT } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import { validationError } from '../http/wire-errors';
import { createSessionWithToken } from './direct-sessions';

/** What `RunningTessera.createSessionWithToken` takes: `POST /v1/sessions`'s body, in camelCase. */
export interface InProcessSessionParams {
  readonly userId: string;
  /** Lifetime of the session, 60 to 604,800 seconds (default 1800). */
  readonly sessionMaxDurationInSeconds?: number;
}

// Code running tessera in its own process holds the instance, and so its secret key: audited as a
// Backend API call from no address.
const IN_PROCESS_CALLER: Caller = { actor: { type: 'secret_key', id: null, name: null }, client: NO_CLIENT };

/**
 * `POST /v1/sessions/with_token` without HTTP, for a test process that runs tessera itself: the same
 * checks and refusals (an `ApiError` naming the wire field), the same audit events, no socket, no
 * JSON, no idempotency record.
 */
export function createSessionWithTokenInProcess(
  ctx: ServerContext,
  params: InProcessSessionParams,
): Promise<SessionWithTokenJSON> {
  const body = {
    user_id: params?.userId,
    ...(params?.sessionMaxDurationInSeconds !== undefined && {
      session_max_duration_in_seconds: params.sessionMaxDurationInSeconds,
    }),
  };
  const checked = parse(createSessionParams, body, { unknownKeys: 'reject', request: true });
  if (!checked.ok) return Promise.reject(validationError(checked.issues, 'body'));
  return createSessionWithToken(ctx, checked.value, IN_PROCESS_CALLER);
}
