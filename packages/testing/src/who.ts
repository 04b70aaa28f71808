import type { CreateTestSessionTokenParams } from '@tessera/backend';

/** Who to sign in as: a user id, or the email address (or username) of an existing user. */
export type SignInAs = { readonly userId: string } | { readonly email: string };

export function tokenTarget(who: SignInAs): CreateTestSessionTokenParams {
  return 'userId' in who ? { userId: who.userId } : { identifier: who.email };
}
