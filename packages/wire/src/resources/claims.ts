import { idSchema } from '../ids';
import {
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
import { pagingQuery, timestamp } from './common';

/**
 * Claims tessera sets in every session JWT; neither the instance's session token template, nor a
 * test session token's `claims`, may set them.
 */
export const RESERVED_SESSION_CLAIMS = [
  'iss',
  'sub',
  'sid',
  'iat',
  'nbf',
  'exp',
  'azp',
  'jti',
  'v',
  'sts',
  'act',
  'o',
  'fva',
  'fea',
  'pla',
  'org_id',
  'org_slug',
  'org_role',
  'org_permissions',
] as const;

/**
 * Claims a JWT template may not set: those tessera sets in every template JWT (Clerk's list), and
 * those that make a JWT a session's (`sid`, `v`, `sts`, `act`, the organization): a template JWT
 * must never pass for a session JWT.
 */
export const RESERVED_TEMPLATE_CLAIMS = [
  'iss',
  'sub',
  'iat',
  'nbf',
  'exp',
  'azp',
  'jti',
  'sid',
  'v',
  'sts',
  'act',
  'o',
  'fva',
  'fea',
  'pla',
] as const;

/**
 * Shortcodes a claim's value may use, as `{{user.first_name}}` (the claim takes the value's own type)
 * or inside text (`"{{user.first_name}} {{user.last_name}}"`); `{{a || b || 'default'}}` takes the
 * first that is set. `user.public_metadata`, `user.unsafe_metadata`, `org.public_metadata` and
 * `org_membership.public_metadata` may be followed by a path (`.role`, `.plan.tier`).
 */
export const CLAIM_SHORTCODES = [
  'user.id',
  'user.external_id',
  'user.username',
  'user.first_name',
  'user.last_name',
  'user.full_name',
  'user.primary_email_address',
  'user.email_verified',
  'user.image_url',
  'user.has_image',
  'user.public_metadata',
  'user.unsafe_metadata',
  'user.created_at',
  'user.updated_at',
  'user.last_sign_in_at',
  'user.two_factor_enabled',
  'user.password_enabled',
  'org.id',
  'org.name',
  'org.slug',
  'org.image_url',
  'org.has_image',
  'org.public_metadata',
  'org_membership.role',
  'org_membership.permissions',
  'org_membership.public_metadata',
  'session.id',
  'session.actor',
] as const;

/** Custom claims, as JSON: for a session, at most this many bytes (cookies carry the JWT). */
export const SESSION_CLAIMS_MAX_BYTES = 2048;
/** A JWT template's claims, as JSON. */
export const TEMPLATE_CLAIMS_MAX_BYTES = 8192;

/** The instance's session token template: custom claims merged into every session JWT. */
export const sessionTokenTemplateObject = object({
  object: literal('session_token_template'),
  claims: jsonObject(),
  updated_at: nullable(timestamp),
});

/** `PUT /v1/session_token_template`; `{}` clears it. */
export const updateSessionTokenTemplateParams = object({
  claims: jsonObject({ maxBytes: SESSION_CLAIMS_MAX_BYTES }),
});

/** A JWT template's lifetime (seconds), as Clerk bounds it. */
export const JWT_TEMPLATE_LIFETIME = { min: 30, max: 315_360_000, default: 60 } as const;
export const JWT_TEMPLATE_CLOCK_SKEW = { min: 0, max: 300, default: 5 } as const;

export const jwtTemplateObject = object({
  object: literal('jwt_template'),
  id: idSchema('jwtTemplate'),
  name: string(),
  claims: jsonObject(),
  lifetime: integer({ min: 1 }),
  allowed_clock_skew: integer({ min: 0 }),
  custom_signing_key: boolean(),
  signing_algorithm: string(),
  created_at: timestamp,
  updated_at: timestamp,
});

const templateName = string({
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  format: '1 to 64 letters, digits, "_" or "-"',
});
const lifetime = integer({
  min: JWT_TEMPLATE_LIFETIME.min,
  max: JWT_TEMPLATE_LIFETIME.max,
  description: `Seconds a JWT lives (default ${JWT_TEMPLATE_LIFETIME.default})`,
});
const clockSkew = integer({
  min: JWT_TEMPLATE_CLOCK_SKEW.min,
  max: JWT_TEMPLATE_CLOCK_SKEW.max,
  description: `Seconds nbf is set back (default ${JWT_TEMPLATE_CLOCK_SKEW.default})`,
});
/** tessera signs every template with the instance's RS256 keys: a custom key is refused by name. */
const signingFields = {
  custom_signing_key: optional(boolean()),
  signing_algorithm: optional(nullable(literal('RS256'))),
  signing_key: optional(nullable(string({ maxLength: 8192 }))),
} as const;

export const createJwtTemplateParams = object(
  fields(() => ({
    name: templateName,
    claims: jsonObject({ maxBytes: TEMPLATE_CLAIMS_MAX_BYTES }),
    lifetime: optional(nullable(lifetime)),
    allowed_clock_skew: optional(nullable(clockSkew)),
    ...signingFields,
  })),
);

export const updateJwtTemplateParams = object(
  fields(() => ({
    name: optional(templateName),
    claims: optional(jsonObject({ maxBytes: TEMPLATE_CLAIMS_MAX_BYTES })),
    lifetime: optional(nullable(lifetime)),
    allowed_clock_skew: optional(nullable(clockSkew)),
    ...signingFields,
  })),
);

/** `POST /v1/sessions/{id}/tokens/{template_name}`: the template's lifetime unless given. */
export const createTemplateTokenParams = object({
  expires_in_seconds: optional(
    integer({
      min: 1,
      max: JWT_TEMPLATE_LIFETIME.max,
      description: 'JWT lifetime (default: the template’s)',
    }),
  ),
});

export const listJwtTemplatesQuery = object(pagingQuery);

export const deletedJwtTemplateObject = object({
  object: literal('jwt_template'),
  id: idSchema('jwtTemplate'),
  deleted: boolean(),
});

export type SessionTokenTemplateJSON = Infer<typeof sessionTokenTemplateObject>;
export type JwtTemplateJSON = Infer<typeof jwtTemplateObject>;
export type CreateJwtTemplateParams = Infer<typeof createJwtTemplateParams>;
export type UpdateJwtTemplateParams = Infer<typeof updateJwtTemplateParams>;
