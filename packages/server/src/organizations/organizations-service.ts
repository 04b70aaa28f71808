import {
  type CreateOrganizationParams,
  DEFAULT_ROLE_KEYS,
  isId,
  type OrganizationMetadataParams,
  type UpdateOrganizationParams,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { checkedMetadata, mergeMetadata } from '../core/metadata';
import type { Executor } from '../store/database';
import { fromJsonColumn, toJsonColumn } from '../store/json-column';
import * as memberships from '../store/memberships-store';
import * as store from '../store/organizations-store';
import type { Paging } from '../store/paging';
import { findRole } from '../store/roles-store';
import type { OrganizationTable } from '../store/schema';
import { findUserStatus } from '../store/users-store';

/** A slug from a name: lower-case letters and digits, runs of anything else as one `-`. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'organization';
}

function slugTaken(): ApiError {
  return new ApiError('form_identifier_exists', 'That slug is taken. Please try another.', {
    param_name: 'slug',
  });
}

/** Two requests can race past the checks; the unique indexes then decide, and we say which. */
function conflictOf(ctx: ServerContext, error: unknown): ApiError | undefined {
  if (!ctx.dialect.isUniqueViolation(error)) return undefined;
  const detail = `${(error as { constraint?: string }).constraint ?? ''} ${(error as Error).message ?? ''}`;
  if (/slug/.test(detail)) return slugTaken();
  if (/organization_memberships/.test(detail)) {
    return new ApiError(
      'already_a_member_in_organization',
      'The user is already a member of the organization.',
      {
        param_name: 'user_id',
      },
    );
  }
  return new ApiError('form_identifier_exists', 'That organization id is taken.', { param_name: 'id' });
}

/**
 * Creates the organization; `created_by` becomes its first admin, in the same transaction. Without
 * a slug, one is made from the name (with a number added while it is taken).
 */
export async function createOrganization(
  ctx: ServerContext,
  params: CreateOrganizationParams,
  db: Executor = ctx.db,
) {
  const now = ctx.clock.now();
  const work = async (trx: Executor) => {
    if (params.id !== undefined && (await store.findOrganization(trx, { id: params.id }))) {
      throw new ApiError('form_identifier_exists', 'That organization id is taken.', { param_name: 'id' });
    }
    const slug = params.slug ?? (await freeSlug(trx, slugFromName(params.name)));
    if (await store.findOrganizationBySlug(trx, slug)) throw slugTaken();
    if (params.created_by !== undefined && !(await findUserStatus(trx, params.created_by))) {
      throw ApiError.notFound('User', 'created_by');
    }
    const organization: OrganizationTable = {
      id: params.id ?? newId('organization', now),
      name: params.name,
      slug,
      image_url: null,
      max_allowed_memberships: params.max_allowed_memberships ?? 0,
      admin_delete_enabled: 1,
      public_metadata: toJsonColumn(params.public_metadata ?? {}),
      private_metadata: toJsonColumn(params.private_metadata ?? {}),
      created_by: params.created_by ?? null,
      created_at: now,
      updated_at: now,
    };
    await store.insertOrganization(trx, organization);
    if (params.created_by !== undefined) {
      const admin = await findRole(trx, { key: DEFAULT_ROLE_KEYS.admin });
      if (!admin) throw new Error('the default role org:admin is missing');
      await memberships.insertMembership(trx, {
        id: newId('organizationMembership', now),
        organization_id: organization.id,
        user_id: params.created_by,
        role_id: admin.id,
        public_metadata: '{}',
        private_metadata: '{}',
        created_at: now,
        updated_at: now,
      });
    }
    return organization;
  };
  try {
    return db.isTransaction ? await work(db) : await ctx.db.transaction().execute(work);
  } catch (error) {
    throw conflictOf(ctx, error) ?? error;
  }
}

async function freeSlug(db: Executor, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const candidate = `${base.slice(0, 64 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!(await store.findOrganizationBySlug(db, candidate))) return candidate;
  }
}

/** By id (`org_...`) or by slug (slugs never hold `_`). 404 naming `param` when there is none. */
export async function getOrganization(
  ctx: ServerContext,
  idOrSlug: string,
  options: { includeMembersCount?: boolean; param?: string; db?: Executor } = {},
) {
  const by = isId('organization', idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug.toLowerCase() };
  const organization = await store.findOrganization(
    options.db ?? ctx.db,
    by,
    options.includeMembersCount ?? false,
  );
  if (!organization) throw ApiError.notFound('Organization', options.param);
  return organization;
}

export function listOrganizations(
  ctx: ServerContext,
  filters: store.OrganizationFilters,
  paging: Paging,
  includeMembersCount: boolean,
) {
  return store.listOrganizations(ctx.db, filters, paging, includeMembersCount);
}

export function countOrganizations(ctx: ServerContext, filters: store.OrganizationFilters) {
  return store.countOrganizations(ctx.db, filters);
}

/**
 * Runs `work` on the organization (by id or slug), holding its row (Postgres) until the commit. 404
 * when it does not exist.
 */
export async function changeOrganization<T>(
  ctx: ServerContext,
  idOrSlug: string,
  work: (trx: Executor, organization: OrganizationTable, now: number) => Promise<T>,
): Promise<T> {
  const now = ctx.clock.now();
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const id = isId('organization', idOrSlug)
        ? idOrSlug
        : (await store.findOrganizationBySlug(trx, idOrSlug.toLowerCase()))?.id;
      const organization = id === undefined ? undefined : await store.lockOrganization(trx, id);
      if (!organization) throw ApiError.notFound('Organization');
      return work(trx, organization, now);
    });
  } catch (error) {
    throw conflictOf(ctx, error) ?? error;
  }
}

export async function updateOrganization(ctx: ServerContext, id: string, params: UpdateOrganizationParams) {
  return changeOrganization(ctx, id, async (trx, organization, now) => {
    if (params.slug !== undefined && params.slug !== organization.slug) {
      if (await store.findOrganizationBySlug(trx, params.slug)) throw slugTaken();
    }
    const changes: Partial<OrganizationTable> = { updated_at: now };
    if (params.name !== undefined) changes.name = params.name;
    if (params.slug !== undefined) changes.slug = params.slug;
    if (params.admin_delete_enabled !== undefined)
      changes.admin_delete_enabled = params.admin_delete_enabled ? 1 : 0;
    if (params.max_allowed_memberships !== undefined)
      changes.max_allowed_memberships = params.max_allowed_memberships;
    if (params.public_metadata !== undefined) changes.public_metadata = toJsonColumn(params.public_metadata);
    if (params.private_metadata !== undefined)
      changes.private_metadata = toJsonColumn(params.private_metadata);
    await store.updateOrganization(trx, organization.id, changes);
    return { ...organization, ...changes };
  });
}

/** Merges into (`PATCH`) or replaces (`PUT`) each metadata given, held to the size of a create. */
export async function changeOrganizationMetadata(
  ctx: ServerContext,
  id: string,
  params: OrganizationMetadataParams,
  mode: 'merge' | 'replace',
) {
  return changeOrganization(ctx, id, async (trx, organization, now) => {
    const changes: Partial<OrganizationTable> = { updated_at: now };
    for (const field of ['public_metadata', 'private_metadata'] as const) {
      const given = params[field];
      if (given === undefined) continue;
      changes[field] = checkedMetadata(
        field,
        mode === 'merge' ? mergeMetadata(fromJsonColumn(organization[field]), given) : given,
      );
    }
    await store.updateOrganization(trx, organization.id, changes);
    return { ...organization, ...changes };
  });
}

/** Deletes the organization and its memberships; a session in it has no organization in its next JWT. */
export async function deleteOrganization(ctx: ServerContext, id: string): Promise<void> {
  await changeOrganization(ctx, id, (trx, organization) => store.deleteOrganization(trx, organization.id));
}
