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
import { METADATA_MAX_BYTES } from './user';

/** Lower-case letters, digits and dashes, as Clerk's slugs; never an `_`, so no slug reads as an id. */
export const ORGANIZATION_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const slug = string({
  pattern: ORGANIZATION_SLUG_PATTERN,
  format: '1 to 64 lower-case letters, digits or "-", not starting or ending with "-"',
});
const name = string({ minLength: 1, maxLength: 256, printable: true });
const metadata = jsonObject({ maxBytes: METADATA_MAX_BYTES });
/** 0: no limit. */
const maxAllowedMemberships = integer({ min: 0, max: 100_000, description: 'Most members; 0 for no limit' });

export const organizationObject = object({
  object: literal('organization'),
  id: idSchema('organization'),
  name: string(),
  slug: string(),
  image_url: nullable(string()),
  has_image: boolean(),
  members_count: optional(integer({ min: 0 })),
  pending_invitations_count: optional(integer({ min: 0 })),
  max_allowed_memberships: integer({ min: 0 }),
  admin_delete_enabled: boolean(),
  public_metadata: jsonObject(),
  private_metadata: jsonObject(),
  created_by: nullable(string()),
  created_at: timestamp,
  updated_at: timestamp,
});

/**
 * `POST /v1/organizations`. Without a slug, one is made from the name. `created_by` becomes the
 * organization's first admin (`org:admin`). `id` is for fixtures: `org_` and 1 to 64 letters and digits.
 */
export const createOrganizationParams = object({
  id: optional(idSchema('organization')),
  name,
  slug: optional(slug),
  created_by: optional(idSchema('user')),
  max_allowed_memberships: optional(maxAllowedMemberships),
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
});

export const updateOrganizationParams = object({
  name: optional(name),
  slug: optional(slug),
  admin_delete_enabled: optional(boolean()),
  max_allowed_memberships: optional(maxAllowedMemberships),
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
});

/** `PATCH` (deep merge, `null` removes) and `PUT` (replace) `/v1/organizations/{id}/metadata`. */
export const organizationMetadataParams = object({
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
});

export const getOrganizationQuery = object({
  include_members_count: optional(boolean()),
});

export const listOrganizationsQuery = object(
  fields(() => ({
    query: optional(string({ maxLength: 256, description: 'Part of the id, name or slug' })),
    organization_id: optional(array(string({ maxLength: 64 }))),
    user_id: optional(array(string({ maxLength: 64 }), { maxItems: 100 })),
    include_members_count: optional(boolean()),
    ...pagingQuery,
    order_by: orderBy('created_at', 'name', 'members_count'),
  })),
);

export type OrganizationJSON = Infer<typeof organizationObject>;
export type CreateOrganizationParams = Infer<typeof createOrganizationParams>;
export type UpdateOrganizationParams = Infer<typeof updateOrganizationParams>;
export type OrganizationMetadataParams = Infer<typeof organizationMetadataParams>;
export type ListOrganizationsQuery = Infer<typeof listOrganizationsQuery>;
