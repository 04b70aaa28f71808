import { type ExpressionBuilder, sql } from 'kysely';
import { compiledOnce } from './compiled-query';
import type { Executor } from './database';
import { substringMatcher } from './like';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { Database, OrganizationTable } from './schema';

export interface OrganizationFilters {
  readonly query?: string;
  readonly organization_id?: readonly string[];
  /** Organizations any of these users is a member of. */
  readonly user_id?: readonly string[];
}

/** An organization with its member count, when asked for. */
export interface OrganizationRecord extends OrganizationTable {
  readonly members_count?: number;
}

function applyFilters(eb: ExpressionBuilder<Database, 'organizations'>, filters: OrganizationFilters) {
  const conditions = [];
  if (filters.organization_id) {
    conditions.push(eb('organizations.id', 'in', [...filters.organization_id, '']));
  }
  if (filters.user_id) {
    conditions.push(
      eb(
        'organizations.id',
        'in',
        eb
          .selectFrom('organization_memberships')
          .select('organization_id')
          .where('user_id', 'in', [...filters.user_id, '']),
      ),
    );
  }
  if (filters.query) {
    const { contains: like } = substringMatcher(filters.query);
    conditions.push(
      eb.or([like('organizations.id'), like('organizations.name'), like('organizations.slug')]),
    );
  }
  return eb.and(conditions);
}

const membersCount = (eb: ExpressionBuilder<Database, 'organizations'>) =>
  eb
    .selectFrom('organization_memberships')
    .select((inner) => inner.fn.countAll<number | string>().as('n'))
    .whereRef('organization_memberships.organization_id', '=', 'organizations.id');

function withCount(row: OrganizationTable & { members_count?: number | string | null }): OrganizationRecord {
  const { members_count: count, ...organization } = row;
  return count === undefined ? organization : { ...organization, members_count: Number(count ?? 0) };
}

export async function insertOrganization(db: Executor, organization: OrganizationTable): Promise<void> {
  await db.insertInto('organizations').values(organization).execute();
}

export async function findOrganization(
  db: Executor,
  idOrSlug: { id: string } | { slug: string },
  includeMembersCount = false,
): Promise<OrganizationRecord | undefined> {
  let query = db.selectFrom('organizations').selectAll('organizations');
  query = 'id' in idOrSlug ? query.where('id', '=', idOrSlug.id) : query.where('slug', '=', idOrSlug.slug);
  const row = includeMembersCount
    ? await query.select((eb) => membersCount(eb).as('members_count')).executeTakeFirst()
    : await query.executeTakeFirst();
  return row && withCount(row);
}

/** Takes the organization's row until the commit (Postgres), so member changes to it apply in turn. */
export async function lockOrganization(db: Executor, id: string): Promise<OrganizationTable | undefined> {
  return (await lockOrganizationQuery(db, { id })).rows[0];
}

const lockOrganizationQuery = compiledOnce(['id'], (db, { id }: { id: string }, dialect) => {
  const query = db.selectFrom('organizations').selectAll().where('id', '=', id);
  return dialect === 'postgres' ? query.forUpdate() : query;
});

export async function findOrganizationBySlug(db: Executor, slug: string) {
  return db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
}

type OrganizationOrderColumn = 'created_at' | 'name' | 'members_count';

export async function listOrganizations(
  db: Executor,
  filters: OrganizationFilters,
  paging: Paging,
  includeMembersCount: boolean,
): Promise<OrganizationRecord[]> {
  const { column, direction } = orderingOf<OrganizationOrderColumn>(paging.order_by, 'created_at');
  const counted = includeMembersCount || column === 'members_count';
  const base = db
    .selectFrom('organizations')
    .selectAll('organizations')
    .where((eb) => applyFilters(eb, filters));
  const rows = counted
    ? await base
        .select((eb) => membersCount(eb).as('members_count'))
        .orderBy(
          column === 'members_count' ? sql.ref('members_count') : sql.ref(`organizations.${column}`),
          direction,
        )
        .orderBy('organizations.id', direction)
        .limit(limitOf(paging))
        .offset(offsetOf(paging))
        .execute()
    : await base
        .orderBy(`organizations.${column as 'created_at' | 'name'}`, direction)
        .orderBy('organizations.id', direction)
        .limit(limitOf(paging))
        .offset(offsetOf(paging))
        .execute();
  return rows.map((row) => {
    const record = withCount(row);
    if (includeMembersCount) return record;
    const { members_count: _count, ...rest } = record;
    return rest;
  });
}

export async function countOrganizations(db: Executor, filters: OrganizationFilters): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where((eb) => applyFilters(eb, filters))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateOrganization(
  db: Executor,
  id: string,
  changes: Partial<Omit<OrganizationTable, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('organizations').set(changes).where('id', '=', id).execute();
}

/** Deletes the organization and its memberships; sessions in it lose it from their next JWT. */
export async function deleteOrganization(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('organization_memberships').where('organization_id', '=', id).execute();
  await db.deleteFrom('organizations').where('id', '=', id).execute();
}
