import { ApiError } from '../core/api-error';
import type { UserStatus } from '../store/users-store';

/**
 * Why a user cannot be signed in now (banned, locked), if they cannot: the one answer of every way
 * in, tickets of every kind and sessions created directly. `who` starts the message.
 */
export function userRefusal(
  user: UserStatus,
  who: string,
  meta: Readonly<Record<string, unknown>> | null = null,
): ApiError | undefined {
  if (user.banned === 1)
    return new ApiError('user_banned', `${who} is banned and cannot be signed in.`, meta);
  if (user.locked === 1) {
    return new ApiError('user_locked', `${who} is locked and cannot be signed in until unlocked.`, meta);
  }
  return undefined;
}
