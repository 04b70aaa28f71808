import type { AgentTaskOnBehalfOf, BackendApiClient } from '@tessera/backend';
import { SignInError } from './errors';

/**
 * Who to sign in as: a user id, or the email address (or username) of an existing user.
 *
 * @example
 * ```ts
 * const ada: SignInAs = { email: 'ada@example.com' };
 * const byId: SignInAs = { userId: 'user_...' };
 * ```
 */
export type SignInAs = { readonly userId: string } | { readonly email: string };

/** The user as the ticket APIs name one: `{ userId }` or `{ identifier }`. */
export function userTarget(who: SignInAs): AgentTaskOnBehalfOf {
  return 'userId' in who ? { userId: who.userId } : { identifier: who.email };
}

/**
 * The user's id, looking an email address or username up as tessera does (both case-insensitive),
 * for the APIs that take a `userId` only.
 */
export async function userIdOf(client: BackendApiClient, who: SignInAs): Promise<string> {
  if ('userId' in who) return who.userId;
  const identifier = who.email;
  const found = await client.users.list(
    identifier.includes('@')
      ? { emailAddress: [identifier], limit: 1 }
      : { username: [identifier], limit: 1 },
  );
  const user = found.data[0];
  if (!user) {
    throw new SignInError('resource_not_found', `no user has the email address or username ${identifier}.`);
  }
  return user.id;
}
