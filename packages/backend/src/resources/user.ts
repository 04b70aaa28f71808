import { type UserJSON, userObject } from '@tessera/wire';
import { type EmailAddress, toEmailAddress } from './email-address';
import { type JsonObject, readWire } from './read-wire';

/**
 * A user. Timestamps are Unix milliseconds; metadata objects are exactly as stored.
 *
 * @example
 * ```ts
 * const user = await client.users.create({ emailAddress: ['ada@example.com'], firstName: 'Ada' });
 * user.id; // 'user_...'
 * user.emailAddresses[0]?.emailAddress; // 'ada@example.com'
 * ```
 */
export interface User {
  readonly object: 'user';
  readonly id: string;
  readonly externalId: string | null;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly imageUrl: string | null;
  readonly hasImage: boolean;
  readonly primaryEmailAddressId: string | null;
  readonly primaryPhoneNumberId: string | null;
  readonly primaryWeb3WalletId: string | null;
  readonly passwordEnabled: boolean;
  readonly twoFactorEnabled: boolean;
  readonly totpEnabled: boolean;
  readonly backupCodeEnabled: boolean;
  readonly emailAddresses: readonly EmailAddress[];
  readonly phoneNumbers: readonly JsonObject[];
  readonly web3Wallets: readonly JsonObject[];
  readonly externalAccounts: readonly JsonObject[];
  readonly enterpriseAccounts: readonly JsonObject[];
  readonly publicMetadata: JsonObject;
  readonly privateMetadata: JsonObject;
  readonly unsafeMetadata: JsonObject;
  readonly lastSignInAt: number | null;
  readonly lastActiveAt: number | null;
  readonly banned: boolean;
  readonly locked: boolean;
  readonly createOrganizationEnabled: boolean;
  readonly deleteSelfEnabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toUser(wire: UserJSON): User {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    externalId: wire.external_id,
    username: wire.username,
    firstName: wire.first_name,
    lastName: wire.last_name,
    imageUrl: wire.image_url,
    hasImage: wire.has_image,
    primaryEmailAddressId: wire.primary_email_address_id,
    primaryPhoneNumberId: wire.primary_phone_number_id,
    primaryWeb3WalletId: wire.primary_web3_wallet_id,
    passwordEnabled: wire.password_enabled,
    twoFactorEnabled: wire.two_factor_enabled,
    totpEnabled: wire.totp_enabled,
    backupCodeEnabled: wire.backup_code_enabled,
    emailAddresses: Object.freeze(wire.email_addresses.map(toEmailAddress)),
    phoneNumbers: Object.freeze([...wire.phone_numbers]),
    web3Wallets: Object.freeze([...wire.web3_wallets]),
    externalAccounts: Object.freeze([...wire.external_accounts]),
    enterpriseAccounts: Object.freeze([...wire.enterprise_accounts]),
    publicMetadata: wire.public_metadata,
    privateMetadata: wire.private_metadata,
    unsafeMetadata: wire.unsafe_metadata,
    lastSignInAt: wire.last_sign_in_at,
    lastActiveAt: wire.last_active_at,
    banned: wire.banned,
    locked: wire.locked,
    createOrganizationEnabled: wire.create_organization_enabled,
    deleteSelfEnabled: wire.delete_self_enabled,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `user` object from the wire.
 *
 * @example
 * ```ts
 * const user = User.fromJSON(await response.json()); // throws ResponseValidationError if malformed
 * ```
 */
export const User = {
  fromJSON(json: unknown): User {
    return toUser(readWire(userObject, json, 'User'));
  },
};
