import { type SignInTokenJSON, signInTokenObject } from '@tessera/wire';
import { readWire } from './read-wire';
import { type TicketFields, toTicketFields } from './ticket';

/**
 * A sign-in token: the one-time link an app sends a user (a magic link) that signs them in as
 * themselves; the session has no `actor`. `token` and `url` are only present in the reply to `create`.
 *
 * @example
 * ```ts
 * const signInToken = await client.signInTokens.create({ userId: 'user_...' });
 * await sendEmail(user, `Sign in: ${signInToken.url}`);
 * signInToken.status; // 'pending' | 'accepted' | 'revoked'
 * ```
 */
export interface SignInToken extends TicketFields {
  readonly object: 'sign_in_token';
}

/** Maps an already validated wire object. */
export function toSignInToken(wire: SignInTokenJSON): SignInToken {
  return Object.freeze({ object: wire.object, ...toTicketFields(wire) });
}

/**
 * Reads a `sign_in_token` object from the wire.
 *
 * @example
 * ```ts
 * const signInToken = SignInToken.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const SignInToken = {
  fromJSON(json: unknown): SignInToken {
    return toSignInToken(readWire(signInTokenObject, json, 'SignInToken'));
  },
};
