import { type EmailAddressJSON, emailAddressObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * How an email address was verified.
 *
 * @example
 * ```ts
 * const verified = user.emailAddresses.every((email) => email.verification?.status === 'verified');
 * ```
 */
export interface Verification {
  readonly status: 'verified' | 'unverified';
  readonly strategy: string;
  readonly attempts: number | null;
  readonly expireAt: number | null;
}

/**
 * An email address of a user.
 *
 * @example
 * ```ts
 * const user = await client.users.get('user_...');
 * const primary = user.emailAddresses.find((email) => email.id === user.primaryEmailAddressId);
 * primary?.emailAddress; // 'ada@example.com'
 * ```
 */
export interface EmailAddress {
  readonly object: 'email_address';
  readonly id: string;
  readonly emailAddress: string;
  readonly verification: Verification | null;
  readonly linkedTo: readonly JsonObject[];
}

/** Maps an already validated wire object. */
export function toEmailAddress(wire: EmailAddressJSON): EmailAddress {
  const { verification } = wire;
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    emailAddress: wire.email_address,
    verification:
      verification === null
        ? null
        : Object.freeze({
            status: verification.status,
            strategy: verification.strategy,
            attempts: verification.attempts,
            expireAt: verification.expire_at,
          }),
    linkedTo: Object.freeze([...wire.linked_to]),
  });
}

/**
 * Reads an `email_address` object from the wire.
 *
 * @example
 * ```ts
 * const email = EmailAddress.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const EmailAddress = {
  fromJSON(json: unknown): EmailAddress {
    return toEmailAddress(readWire(emailAddressObject, json, 'EmailAddress'));
  },
};
