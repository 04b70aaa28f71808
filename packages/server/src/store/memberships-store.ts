import type { ExpressionBuilder } from 'kysely';
import type { Executor } from './database';
import { substringMatcher } from './like';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { Database, OrganizationMembershipTable, OrganizationTable } from './schema';

/** A membership with what its wire form shows: the organization, the user, the role and its permissions. */
export interface MembershipRecord extends OrganizationMembershipTable {
  readonly organization: OrganizationTable;
  readonly role_key: string;
  readonly role_name: string;
  readonly permissions: readonly string[];
  readonly user: {
    readonly username: string | null;
    readonly first_name: string | null;
    readonly last_name: string | null;
    readonly email_address: string | null;
  };
}

export interface MembershipFilters {
  readonly organization_id?: string;
  readonly user_id?: readonly string[];
  /** Role keys. */
  readonly role?: readonly string[];
  readonly query?: string;
}

type MembershipOrderColumn = 'created_at' | 'first_name' | 'last_name' | 'username' | 'email_address';

type Joined = 'organization_memberships' | 'users' | 'organization_roles' | 'email_addresses';

function applyFilters(eb: ExpressionBuilder<Database, Joined>, filters: MembershipFilters) {
  const conditions = [];
  if (filters.organization_id !== undefined) {
    conditions.push(eb('organization_memberships.organization_id', '=', filters.organization_id));
  }
  if (filters.user_id)
    conditions.push(eb('organization_memberships.user_id', 'in', [...filters.user_id, '']));
  if (filters.role) conditions.push(eb('organization_roles.key', 'in', [...filters.role, '']));
  if (filters.query) {
    const { contains: like } = substringMatcher(filters.query);
    conditions.push(
      eb.or([
        like('users.id'),
        like('users.username'),
        like('users.first_name'),
        like('users.last_name'),
        like('email_addresses.email_address'),
      ]),
    );
  }
  return eb.and(conditions);
}

function joined(db: Executor) {
  return db
    .selectFrom('organization_memberships')
    .innerJoin('users', 'users.id', 'organization_memberships.user_id')
    .innerJoin('organization_roles', 'organization_roles.id', 'organization_memberships.role_id')
    .leftJoin('email_addresses', 'email_addresses.id', 'users.primary_email_address_id');
}

async function complete(
  db: Executor,
  rows: readonly (OrganizationMembershipTable & {
    role_key: string;
    role_name: string;
    username: string | null;
    first_name: string | null;
    last_name: string | null;
    email_address: string | null;
  })[],
): Promise<MembershipRecord[]> {
  if (rows.length === 0) return [];
  const organizations = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', 'in', [...new Set(rows.map((row) => row.organization_id))])
    .execute();
  const links = await db
    .selectFrom('organization_role_permissions')
    .innerJoin(
      'organization_permissions',
      'organization_permissions.id',
      'organization_role_permissions.permission_id',
    )
    .select(['organization_role_permissions.role_id', 'organization_permissions.key'])
    .where('organization_role_permissions.role_id', 'in', [...new Set(rows.map((row) => row.role_id))])
    .orderBy('organization_permissions.key')
    .execute();
  return rows.map(
    ({ role_key, role_name, username, first_name, last_name, email_address, ...membership }) => ({
      ...membership,
      role_key,
      role_name,
      organization: organizations.find((organization) => organization.id === membership.organization_id)!,
      permissions: links.filter((link) => link.role_id === membership.role_id).map((link) => link.key),
      user: { username, first_name, last_name, email_address },
    }),
  );
}

const MEMBERSHIP_COLUMNS = [
  'organization_memberships.id',
  'organization_memberships.organization_id',
  'organization_memberships.user_id',
  'organization_memberships.role_id',
  'organization_memberships.public_metadata',
  'organization_memberships.private_metadata',
  'organization_memberships.created_at',
  'organization_memberships.updated_at',
  'organization_roles.key as role_key',
  'organization_roles.name as role_name',
  'users.username',
  'users.first_name',
  'users.last_name',
  'email_addresses.email_address',
] as const;

export async function insertMembership(db: Executor, membership: OrganizationMembershipTable): Promise<void> {
  await db.insertInto('organization_memberships').values(membership).execute();
}

export async function findMembership(
  db: Executor,
  organizationId: string,
  userId: string,
): Promise<MembershipRecord | undefined> {
  const rows = await joined(db)
    .select(MEMBERSHIP_COLUMNS)
    .where('organization_memberships.organization_id', '=', organizationId)
    .where('organization_memberships.user_id', '=', userId)
    .execute();
  return (await complete(db, rows))[0];
}

export async function listMemberships(
  db: Executor,
  filters: MembershipFilters,
  paging: Paging,
): Promise<MembershipRecord[]> {
  const { column, direction } = orderingOf<MembershipOrderColumn>(paging.order_by, 'created_at');
  const orderColumn = {
    created_at: 'organization_memberships.created_at',
    first_name: 'users.first_name',
    last_name: 'users.last_name',
    username: 'users.username',
    email_address: 'email_addresses.email_address',
  } as const;
  const rows = await joined(db)
    .select(MEMBERSHIP_COLUMNS)
    .where((eb) => applyFilters(eb, filters))
    .orderBy(orderColumn[column], direction)
    .orderBy('organization_memberships.id', direction)
    .limit(limitOf(paging))
    .offset(offsetOf(paging))
    .execute();
  return complete(db, rows);
}

export async function countMemberships(db: Executor, filters: MembershipFilters): Promise<number> {
  const row = await joined(db)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => applyFilters(eb, filters))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countMembersOf(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('organization_memberships')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateMembership(
  db: Executor,
  id: string,
  changes: Partial<
    Pick<OrganizationMembershipTable, 'role_id' | 'public_metadata' | 'private_metadata' | 'updated_at'>
  >,
): Promise<void> {
  await db.updateTable('organization_memberships').set(changes).where('id', '=', id).execute();
}

export async function deleteMembership(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('organization_memberships').where('id', '=', id).execute();
}

export async function deleteUserMemberships(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('organization_memberships').where('user_id', '=', userId).execute();
}

/** What a session JWT says of its organization: read at every mint, so a role change shows in the next. */
export interface ActiveOrganization {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly image_url: string | null;
  readonly public_metadata: string;
  readonly role_key: string;
  readonly membership_public_metadata: string;
  /** Every permission key of the role, system ones included, in key order. */
  readonly permissions: readonly string[];
}

/** The organization and the user's role in it, or undefined when either is gone or they are no longer a member. */
export async function findActiveOrganization(
  db: Executor,
  organizationId: string,
  userId: string,
): Promise<ActiveOrganization | undefined> {
  const row = await db
    .selectFrom('organization_memberships')
    .innerJoin('organizations', 'organizations.id', 'organization_memberships.organization_id')
    .innerJoin('organization_roles', 'organization_roles.id', 'organization_memberships.role_id')
    .select([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.image_url',
      'organizations.public_metadata',
      'organization_roles.id as role_id',
      'organization_roles.key as role_key',
      'organization_memberships.public_metadata as membership_public_metadata',
    ])
    .where('organization_memberships.organization_id', '=', organizationId)
    .where('organization_memberships.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const permissions = await db
    .selectFrom('organization_role_permissions')
    .innerJoin(
      'organization_permissions',
      'organization_permissions.id',
      'organization_role_permissions.permission_id',
    )
    .select('organization_permissions.key')
    .where('organization_role_permissions.role_id', '=', row.role_id)
    .orderBy('organization_permissions.key')
    .execute();
  const { role_id: _roleId, ...organization } = row;
  return { ...organization, permissions: permissions.map((permission) => permission.key) };
}
