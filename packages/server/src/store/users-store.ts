import { type ExpressionBuilder, sql } from 'kysely';
import { compiledOnce } from './compiled-query';
import type { Executor } from './database';
import { substringMatcher } from './like';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { Database, EmailAddressTable, UserTable } from './schema';

export interface UserRecord extends UserTable {
  readonly emails: readonly EmailAddressTable[];
}

export interface UserFilters {
  readonly email_address?: readonly string[];
  readonly username?: readonly string[];
  readonly external_id?: readonly string[];
  readonly user_id?: readonly string[];
  readonly query?: string;
  readonly banned?: boolean;
  readonly locked?: boolean;
  readonly created_at_before?: number;
  readonly created_at_after?: number;
  readonly last_active_at_before?: number;
  readonly last_active_at_after?: number;
  readonly last_active_at_since?: number;
  readonly last_sign_in_at_before?: number;
  readonly last_sign_in_at_after?: number;
  /** Users who are members of any of these organizations. */
  readonly organization_id?: readonly string[];
  readonly phone_number?: readonly string[];
  readonly web3_wallet?: readonly string[];
}

type UserOrderColumn =
  | 'created_at'
  | 'updated_at'
  | 'last_sign_in_at'
  | 'last_active_at'
  | 'username'
  | 'first_name'
  | 'last_name';

const lowerUsername = sql<string>`lower(${sql.ref('users.username')})`;

function applyFilters(eb: ExpressionBuilder<Database, 'users'>, filters: UserFilters) {
  const conditions = [];
  if (filters.user_id) conditions.push(eb('users.id', 'in', [...filters.user_id, '']));
  if (filters.username) {
    // Usernames are case-insensitive (0004): `lower(username)` is what their unique index holds.
    const usernames = filters.username.map((username) => username.toLowerCase());
    conditions.push(eb(lowerUsername, 'in', [...usernames, '']));
  }
  if (filters.external_id) conditions.push(eb('users.external_id', 'in', [...filters.external_id, '']));
  if (filters.email_address) {
    const emails = filters.email_address.map((email) => email.toLowerCase());
    conditions.push(
      eb(
        'users.id',
        'in',
        eb
          .selectFrom('email_addresses')
          .select('user_id')
          .where('email_address', 'in', [...emails, '']),
      ),
    );
  }
  if (filters.query) {
    const { pattern, contains: like } = substringMatcher(filters.query);
    conditions.push(
      eb.or([
        like('users.id'),
        like('users.username'),
        like('users.first_name'),
        like('users.last_name'),
        like('users.external_id'),
        eb(
          'users.id',
          'in',
          eb
            .selectFrom('email_addresses')
            .select('user_id')
            .where(sql<boolean>`email_address like ${pattern} escape '\\'`),
        ),
      ]),
    );
  }
  if (filters.organization_id) {
    conditions.push(
      eb(
        'users.id',
        'in',
        eb
          .selectFrom('organization_memberships')
          .select('user_id')
          .where('organization_id', 'in', [...filters.organization_id, '']),
      ),
    );
  }
  // No user has a phone number or a web3 wallet: asked for some, the answer is no one.
  if (filters.phone_number || filters.web3_wallet) conditions.push(sql<boolean>`1 = 0`);
  if (filters.banned !== undefined) conditions.push(eb('users.banned', '=', filters.banned ? 1 : 0));
  if (filters.locked !== undefined) conditions.push(eb('users.locked', '=', filters.locked ? 1 : 0));
  // A time filter leaves out the users who have no such time (never active, never signed in).
  const times = [
    ['users.created_at', '<', filters.created_at_before],
    ['users.created_at', '>', filters.created_at_after],
    ['users.last_active_at', '<', filters.last_active_at_before],
    ['users.last_active_at', '>', filters.last_active_at_after ?? filters.last_active_at_since],
    ['users.last_sign_in_at', '<', filters.last_sign_in_at_before],
    ['users.last_sign_in_at', '>', filters.last_sign_in_at_after],
  ] as const;
  for (const [column, op, value] of times) if (value !== undefined) conditions.push(eb(column, op, value));
  return eb.and(conditions);
}

async function withEmails(db: Executor, users: readonly UserTable[]): Promise<UserRecord[]> {
  if (users.length === 0) return [];
  const emails = await db
    .selectFrom('email_addresses')
    .selectAll()
    .where(
      'user_id',
      'in',
      users.map((user) => user.id),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return users.map((user) => ({ ...user, emails: emails.filter((email) => email.user_id === user.id) }));
}

export async function insertUser(db: Executor, user: UserTable, emails: readonly EmailAddressTable[]) {
  await db.insertInto('users').values(user).execute();
  if (emails.length > 0)
    await db
      .insertInto('email_addresses')
      .values([...emails])
      .execute();
}

export async function insertEmailAddresses(
  db: Executor,
  emails: readonly EmailAddressTable[],
): Promise<void> {
  if (emails.length > 0)
    await db
      .insertInto('email_addresses')
      .values([...emails])
      .execute();
}

/** Whether a user may be signed in: banned and locked, as stored (0 or 1). */
export interface UserStatus {
  readonly banned: number;
  readonly locked: number;
}

const findUserStatusQuery = compiledOnce(['id'], (db, { id }: { id: string }) =>
  db.selectFrom('users').select(['banned', 'locked']).where('id', '=', id),
);

/** Whether a user exists, is banned or locked, without their email addresses: for the hot paths. */
export async function findUserStatus(db: Executor, id: string): Promise<UserStatus | undefined> {
  return (await findUserStatusQuery(db, { id })).rows[0];
}

const lockUserStatusQuery = compiledOnce(['id'], (db, { id }: { id: string }, dialect) => {
  const query = db.selectFrom('users').select(['banned', 'locked']).where('id', '=', id);
  return dialect === 'postgres' ? query.forNoKeyUpdate() : query;
});

/**
 * `findUserStatus` for a transaction about to start a session: on Postgres it locks the user row
 * until the commit, so a ban or a delete in flight either waits for the session (and then revokes
 * it) or is seen here. Not a share lock: the same transaction then updates the row (the last sign-in),
 * and two acceptances each holding a share lock would deadlock on that update. SQLite has one writer
 * and needs no lock.
 */
export async function lockUserStatus(db: Executor, id: string): Promise<UserStatus | undefined> {
  return (await lockUserStatusQuery(db, { id })).rows[0];
}

const lockUserForChangeQuery = compiledOnce(['id'], (db, { id }: { id: string }, dialect) => {
  const query = db.selectFrom('users').select('id').where('id', '=', id);
  return dialect === 'postgres' ? query.forUpdate() : query;
});

/**
 * Takes the user row for a ban or a delete before anything else in the transaction: it waits for
 * every session start holding the row (`lockUserStatus`) to commit, so the revocations that follow
 * see those sessions. False when the user does not exist.
 */
export async function lockUserForChange(db: Executor, id: string): Promise<boolean> {
  return (await lockUserForChangeQuery(db, { id })).rows.length > 0;
}

export async function findUserById(db: Executor, id: string): Promise<UserRecord | undefined> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return user ? (await withEmails(db, [user]))[0] : undefined;
}

/** The id of the user owning this email address or username (both case-insensitive). */
export async function findUserIdByIdentifier(db: Executor, identifier: string): Promise<string | undefined> {
  if (identifier.includes('@')) {
    const row = await db
      .selectFrom('email_addresses')
      .select('user_id')
      .where('email_address', '=', identifier.toLowerCase())
      .executeTakeFirst();
    return row?.user_id;
  }
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(lowerUsername, '=', identifier.toLowerCase())
    .executeTakeFirst();
  return row?.id;
}

/**
 * Which of these identifiers (lower-cased emails, usernames in any case) are taken by a user other
 * than `exceptUserId`.
 */
export async function findTakenIdentifiers(
  db: Executor,
  identifiers: { emails: readonly string[]; username: string | null },
  exceptUserId?: string,
): Promise<{ email?: string; username?: string }> {
  const other = exceptUserId ?? '';
  if (identifiers.emails.length > 0) {
    const taken = await db
      .selectFrom('email_addresses')
      .select('email_address')
      .where('email_address', 'in', [...identifiers.emails])
      .where('user_id', '!=', other)
      .executeTakeFirst();
    if (taken) return { email: taken.email_address };
  }
  if (identifiers.username !== null) {
    const taken = await db
      .selectFrom('users')
      .select('username')
      .where(lowerUsername, '=', identifiers.username.toLowerCase())
      .where('id', '!=', other)
      .executeTakeFirst();
    if (taken?.username) return { username: taken.username };
  }
  return {};
}

export async function listUsers(db: Executor, filters: UserFilters, paging: Paging): Promise<UserRecord[]> {
  const { column, direction } = orderingOf<UserOrderColumn>(paging.order_by, 'created_at');
  const users = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => applyFilters(eb, filters))
    .orderBy(column, direction)
    .orderBy('id', direction)
    .limit(limitOf(paging))
    .offset(offsetOf(paging))
    .execute();
  return withEmails(db, users);
}

export async function countUsers(db: Executor, filters: UserFilters): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where((eb) => applyFilters(eb, filters))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: Partial<Omit<UserTable, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

const recordSignInQuery = compiledOnce(['id', 'now'], (db, { id, now }: { id: string; now: number }) =>
  db.updateTable('users').set({ last_sign_in_at: now, last_active_at: now }).where('id', '=', id),
);

/** A user has just signed in (a ticket accepted): on the accept path, so compiled once. */
export async function recordSignIn(db: Executor, id: string, now: number): Promise<void> {
  await recordSignInQuery(db, { id, now });
}

export async function deleteUser(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('email_addresses').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}
