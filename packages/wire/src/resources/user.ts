import { idSchema } from '../ids';
import {
  array,
  boolean,
  fields,
  type Infer,
  integer,
  jsonObject,
  literal,
  nullable,
  object,
  optional,
  string,
} from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';
import { EMAIL_PATTERN, emailAddressObject } from './email-address';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const username = string({
  pattern: USERNAME_PATTERN,
  format: '1 to 64 letters, digits, "_", "." or "-"',
});
// Shown in terminals and dashboards: no control or bidi-override characters.
const emailAddress = string({
  maxLength: 320,
  pattern: EMAIL_PATTERN,
  format: 'an email address',
  printable: true,
});
const name = string({ maxLength: 256, printable: true });

/** Each metadata object, as UTF-8 bytes of its JSON (Clerk's limit for public and private metadata). */
export const METADATA_MAX_BYTES = 8192;
const metadata = jsonObject({ maxBytes: METADATA_MAX_BYTES });
const externalId = string({ minLength: 1, maxLength: 256 });

export const userObject = object({
  object: literal('user'),
  id: idSchema('user'),
  external_id: nullable(string()),
  username: nullable(string()),
  first_name: nullable(string()),
  last_name: nullable(string()),
  image_url: nullable(string()),
  has_image: boolean(),
  primary_email_address_id: nullable(string()),
  primary_phone_number_id: nullable(string()),
  primary_web3_wallet_id: nullable(string()),
  password_enabled: boolean(),
  two_factor_enabled: boolean(),
  totp_enabled: boolean(),
  backup_code_enabled: boolean(),
  email_addresses: array(emailAddressObject),
  phone_numbers: array(jsonObject()),
  web3_wallets: array(jsonObject()),
  external_accounts: array(jsonObject()),
  enterprise_accounts: array(jsonObject()),
  public_metadata: jsonObject(),
  private_metadata: jsonObject(),
  unsafe_metadata: jsonObject(),
  last_sign_in_at: nullable(timestamp),
  last_active_at: nullable(timestamp),
  banned: boolean(),
  locked: boolean(),
  create_organization_enabled: boolean(),
  delete_self_enabled: boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** The digests tessera can import (what `password_hasher` names) and verify. */
export const PASSWORD_HASHERS = ['bcrypt', 'argon2i', 'argon2id'] as const;
export type PasswordHasher = (typeof PASSWORD_HASHERS)[number];

/** Without `skip_password_checks`, a password has at least this many characters (Clerk's rule). */
export const PASSWORD_MIN_LENGTH = 8;

const passwordFields = fields(
  () =>
    ({
      password: optional(
        string({ minLength: 1, maxLength: 256, description: 'Stored only as a scrypt digest' }),
      ),
      skip_password_checks: optional(boolean()),
      /** `@clerk/backend`'s `skipPasswordRequirement`: tessera never requires a password, so it changes nothing. */
      skip_password_requirement: optional(boolean()),
      password_digest: optional(string({ minLength: 1, maxLength: 512, description: 'An imported digest' })),
      password_hasher: optional(literal(...PASSWORD_HASHERS)),
    }) as const,
);

export const createUserParams = object(
  fields(() => ({
    email_address: optional(array(emailAddress, { maxItems: 10 })),
    username: optional(username),
    first_name: optional(name),
    last_name: optional(name),
    external_id: optional(externalId),
    public_metadata: optional(metadata),
    private_metadata: optional(metadata),
    unsafe_metadata: optional(metadata),
    ...passwordFields,
  })),
);

export const updateUserParams = object(
  fields(() => ({
    username: optional(nullable(username)),
    first_name: optional(nullable(name)),
    last_name: optional(nullable(name)),
    external_id: optional(nullable(externalId)),
    primary_email_address_id: optional(idSchema('emailAddress')),
    public_metadata: optional(metadata),
    private_metadata: optional(metadata),
    unsafe_metadata: optional(metadata),
    ...passwordFields,
  })),
);

/** `POST /v1/users/{id}/verify_password`. */
export const verifyPasswordParams = object({ password: string({ minLength: 1, maxLength: 256 }) });

/** The reply when the password matches; a mismatch is 422 `form_password_incorrect`. */
export const passwordVerificationObject = object({ verified: boolean() });

/**
 * `PATCH /v1/users/{id}/metadata` (deep merge: nested objects merge, a key set to `null` is removed at
 * any level) and `PUT /v1/users/{id}/metadata` (each metadata given replaces the stored one; `{}`
 * clears it). An absent metadata is left as it is.
 */
export const userMetadataParams = object({
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
  unsafe_metadata: optional(metadata),
});

/* @__NO_SIDE_EFFECTS__ */
function timestampParam(description: string) {
  return integer({ min: 0, description });
}

const userFilters = {
  email_address: optional(array(string({ maxLength: 320 }))),
  username: optional(array(string({ maxLength: 64 }))),
  external_id: optional(array(string({ maxLength: 256 }))),
  user_id: optional(array(string({ maxLength: 64 }))),
  query: optional(string({ maxLength: 256 })),
  banned: optional(boolean()),
  locked: optional(boolean()),
  created_at_before: optional(timestampParam('Only users created before this Unix ms')),
  created_at_after: optional(timestampParam('Only users created after this Unix ms')),
  last_active_at_before: optional(timestampParam('Only users last active before this Unix ms')),
  last_active_at_after: optional(timestampParam('Only users last active after this Unix ms')),
  /** Clerk's deprecated name of `last_active_at_after`. */
  last_active_at_since: optional(timestampParam('Deprecated: last_active_at_after')),
  last_sign_in_at_before: optional(timestampParam('Only users last signed in before this Unix ms')),
  last_sign_in_at_after: optional(timestampParam('Only users last signed in after this Unix ms')),
  organization_id: optional(array(string({ maxLength: 64 }), { maxItems: 100 })),
  /** tessera's users have no phone numbers or web3 wallets: a filter by either matches no user. */
  phone_number: optional(array(string({ maxLength: 64 }))),
  web3_wallet: optional(array(string({ maxLength: 256 }))),
} as const;

export const listUsersQuery = object(
  fields(() => ({
    ...userFilters,
    ...pagingQuery,
    order_by: orderBy(
      'created_at',
      'updated_at',
      'last_sign_in_at',
      'last_active_at',
      'username',
      'first_name',
      'last_name',
    ),
  })),
);

export const countUsersQuery = object(userFilters);

export type UserJSON = Infer<typeof userObject>;
export type CreateUserParams = Infer<typeof createUserParams>;
export type UpdateUserParams = Infer<typeof updateUserParams>;
export type UserMetadataParams = Infer<typeof userMetadataParams>;
export type VerifyPasswordParams = Infer<typeof verifyPasswordParams>;
export type ListUsersQuery = Infer<typeof listUsersQuery>;
export type CountUsersQuery = Infer<typeof countUsersQuery>;
