import type { OrganizationJSON, OrganizationMembershipJSON, PermissionJSON, RoleJSON } from '@tessera/wire';
import { fromJsonColumn } from '../store/json-column';
import type { MembershipRecord } from '../store/memberships-store';
import type { OrganizationRecord } from '../store/organizations-store';
import type { RoleRecord } from '../store/roles-store';
import type { OrganizationPermissionTable } from '../store/schema';

export function serializeOrganization(organization: OrganizationRecord): OrganizationJSON {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: organization.image_url,
    has_image: organization.image_url !== null,
    ...(organization.members_count !== undefined && {
      members_count: organization.members_count,
      pending_invitations_count: 0,
    }),
    max_allowed_memberships: organization.max_allowed_memberships,
    admin_delete_enabled: organization.admin_delete_enabled === 1,
    public_metadata: fromJsonColumn(organization.public_metadata),
    private_metadata: fromJsonColumn(organization.private_metadata),
    created_by: organization.created_by,
    created_at: organization.created_at,
    updated_at: organization.updated_at,
  };
}

export function serializeMembership(membership: MembershipRecord): OrganizationMembershipJSON {
  const { user } = membership;
  return {
    object: 'organization_membership',
    id: membership.id,
    role: membership.role_key,
    role_name: membership.role_name,
    permissions: [...membership.permissions],
    public_metadata: fromJsonColumn(membership.public_metadata),
    private_metadata: fromJsonColumn(membership.private_metadata),
    organization: serializeOrganization(membership.organization),
    public_user_data: {
      user_id: membership.user_id,
      identifier: user.email_address ?? user.username ?? membership.user_id,
      first_name: user.first_name,
      last_name: user.last_name,
      image_url: '',
      has_image: false,
    },
    created_at: membership.created_at,
    updated_at: membership.updated_at,
  };
}

export function serializePermission(permission: OrganizationPermissionTable): PermissionJSON {
  return {
    object: 'permission',
    id: permission.id,
    key: permission.key,
    name: permission.name,
    description: permission.description,
    type: permission.type,
    created_at: permission.created_at,
    updated_at: permission.updated_at,
  };
}

export function serializeRole(role: RoleRecord): RoleJSON {
  return {
    object: 'role',
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description,
    permissions: role.permissions.map(serializePermission),
    is_creator_eligible: role.is_creator_eligible === 1,
    created_at: role.created_at,
    updated_at: role.updated_at,
  };
}
