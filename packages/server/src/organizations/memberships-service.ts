import type { CreateOrganizationMembershipParams, OrganizationMetadataParams } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { checkedMetadata, mergeMetadata } from '../core/metadata';
import type { Executor } from '../store/database';
import { fromJsonColumn } from '../store/json-column';
import * as store from '../store/memberships-store';
import type { Paging } from '../store/paging';
import { findRole } from '../store/roles-store';
import type { OrganizationMembershipTable } from '../store/schema';
import { findUserStatus } from '../store/users-store';
import { changeOrganization } from './organizations-service';

/** The role with this key, or 422 naming `role`. */
export async function roleIdOf(db: Executor, key: string, param = 'role'): Promise<string> {
  const role = await findRole(db, { key });
  if (!role)
    throw ApiError.invalidParam(param, `There is no role ${key}; GET /v1/organization_roles lists them.`);
  return role.id;
}

function notAMember(userId: string): ApiError {
  return new ApiError('not_a_member_in_organization', `User ${userId} is not a member of the organization.`, {
    param_name: 'user_id',
  });
}

/** Adds a user to an organization with a role, refused past `max_allowed_memberships` (0: no limit). */
export async function addMember(
  ctx: ServerContext,
  organizationId: string,
  params: CreateOrganizationMembershipParams,
): Promise<store.MembershipRecord> {
  return changeOrganization(ctx, organizationId, async (trx, organization, now) => {
    if (!(await findUserStatus(trx, params.user_id))) throw ApiError.notFound('User', 'user_id');
    const roleId = await roleIdOf(trx, params.role);
    if (await store.findMembership(trx, organization.id, params.user_id)) {
      throw new ApiError(
        'already_a_member_in_organization',
        'The user is already a member of the organization.',
        {
          param_name: 'user_id',
        },
      );
    }
    const limit = organization.max_allowed_memberships;
    if (limit > 0 && (await store.countMembersOf(trx, organization.id)) >= limit) {
      throw new ApiError(
        'organization_membership_quota_exceeded',
        `The organization has its ${limit} members (max_allowed_memberships).`,
        { param_name: 'user_id' },
      );
    }
    const membership: OrganizationMembershipTable = {
      id: newId('organizationMembership', now),
      organization_id: organization.id,
      user_id: params.user_id,
      role_id: roleId,
      public_metadata: checkedMetadata('public_metadata', params.public_metadata ?? {}),
      private_metadata: checkedMetadata('private_metadata', params.private_metadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    await store.insertMembership(trx, membership);
    return (await store.findMembership(trx, organization.id, params.user_id))!;
  });
}

/** Runs `work` on a member of the organization; 404 for an unknown organization, 422 for a non-member. */
async function changeMember<T>(
  ctx: ServerContext,
  organizationId: string,
  userId: string,
  work: (trx: Executor, membership: store.MembershipRecord, now: number) => Promise<T>,
): Promise<T> {
  return changeOrganization(ctx, organizationId, async (trx, organization, now) => {
    const membership = await store.findMembership(trx, organization.id, userId);
    if (!membership) throw notAMember(userId);
    return work(trx, membership, now);
  });
}

/** A new role for a member: their sessions in the organization carry it from their next JWT. */
export async function setMemberRole(
  ctx: ServerContext,
  organizationId: string,
  userId: string,
  role: string,
) {
  return changeMember(ctx, organizationId, userId, async (trx, membership, now) => {
    await store.updateMembership(trx, membership.id, { role_id: await roleIdOf(trx, role), updated_at: now });
    return (await store.findMembership(trx, membership.organization_id, userId))!;
  });
}

export async function changeMemberMetadata(
  ctx: ServerContext,
  organizationId: string,
  userId: string,
  params: OrganizationMetadataParams,
) {
  return changeMember(ctx, organizationId, userId, async (trx, membership, now) => {
    const changes: Partial<OrganizationMembershipTable> = { updated_at: now };
    for (const field of ['public_metadata', 'private_metadata'] as const) {
      const given = params[field];
      if (given !== undefined)
        changes[field] = checkedMetadata(field, mergeMetadata(fromJsonColumn(membership[field]), given));
    }
    await store.updateMembership(trx, membership.id, changes);
    return { ...membership, ...changes };
  });
}

/** Removes a member; their sessions in the organization carry no organization from their next JWT. */
export async function removeMember(ctx: ServerContext, organizationId: string, userId: string) {
  return changeMember(ctx, organizationId, userId, async (trx, membership) => {
    await store.deleteMembership(trx, membership.id);
    return membership;
  });
}

/** A page of memberships, and their total when asked for (`paginated`). */
export async function membershipsPage(
  ctx: ServerContext,
  filters: store.MembershipFilters,
  paging: Paging,
  paginated: boolean | undefined,
): Promise<{ rows: store.MembershipRecord[]; total: number }> {
  const [rows, total] = await Promise.all([
    store.listMemberships(ctx.db, filters, paging),
    paginated ? store.countMemberships(ctx.db, filters) : Promise.resolve(0),
  ]);
  return { rows, total };
}

/**
 * The check a ticket's `organization_id` gets when issued and when accepted: the organization exists
 * and the user is a member of it.
 */
export async function assertMember(db: Executor, organizationId: string, userId: string): Promise<void> {
  const membership = await db
    .selectFrom('organization_memberships')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (membership) return;
  const organization = await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  if (!organization) throw ApiError.notFound('Organization', 'organization_id');
  throw new ApiError(
    'not_a_member_in_organization',
    `User ${userId} is not a member of organization ${organizationId}.`,
    {
      param_name: 'organization_id',
    },
  );
}
