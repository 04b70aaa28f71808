import { idSchema } from '../ids';
import {
  array,
  boolean,
  fields,
  type Infer,
  jsonObject,
  literal,
  nullable,
  object,
  optional,
  string,
} from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';
import { organizationObject } from './organization';
import { roleKeyParam } from './organization-role';
import { METADATA_MAX_BYTES } from './user';

const metadata = jsonObject({ maxBytes: METADATA_MAX_BYTES });

/** What a membership shows of its user. */
export const organizationMembershipPublicUserDataObject = object({
  user_id: idSchema('user'),
  identifier: string(),
  first_name: nullable(string()),
  last_name: nullable(string()),
  image_url: string(),
  has_image: boolean(),
});

/** A user's place in an organization: a role, and the permissions that role holds now. */
export const organizationMembershipObject = object({
  object: literal('organization_membership'),
  id: idSchema('organizationMembership'),
  role: string(),
  role_name: string(),
  permissions: array(string()),
  public_metadata: jsonObject(),
  private_metadata: jsonObject(),
  organization: organizationObject,
  public_user_data: organizationMembershipPublicUserDataObject,
  created_at: timestamp,
  updated_at: timestamp,
});

/** `POST /v1/organizations/{id}/memberships`. */
export const createOrganizationMembershipParams = object({
  user_id: idSchema('user'),
  role: roleKeyParam,
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
});

/** `PATCH /v1/organizations/{id}/memberships/{user_id}`: a new role. */
export const updateOrganizationMembershipParams = object({ role: roleKeyParam });

/** `PATCH /v1/organizations/{id}/memberships/{user_id}/metadata` (deep merge, `null` removes). */
export const organizationMembershipMetadataParams = object({
  public_metadata: optional(metadata),
  private_metadata: optional(metadata),
});

const membershipOrder = orderBy('created_at', 'first_name', 'last_name', 'username', 'email_address');

/** `GET /v1/organizations/{id}/memberships`. */
export const listOrganizationMembershipsQuery = object(
  fields(() => ({
    user_id: optional(array(string({ maxLength: 64 }))),
    role: optional(array(string({ maxLength: 64 }))),
    query: optional(
      string({ maxLength: 256, description: 'Part of the member’s id, name, username or email' }),
    ),
    ...pagingQuery,
    order_by: membershipOrder,
  })),
);

/** `GET /v1/users/{id}/organization_memberships` and `GET /v1/organization_memberships`. */
export const listUserOrganizationMembershipsQuery = object(
  fields(() => ({
    ...pagingQuery,
    order_by: membershipOrder,
  })),
);

export type OrganizationMembershipJSON = Infer<typeof organizationMembershipObject>;
export type CreateOrganizationMembershipParams = Infer<typeof createOrganizationMembershipParams>;
export type ListOrganizationMembershipsQuery = Infer<typeof listOrganizationMembershipsQuery>;
