import type { CreateUserParams, TicketKindName, UpdateUserParams } from '@tessera/wire';
import { type Caller, recordEvents } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import type { Executor } from '../store/database';
import { toJsonColumn } from '../store/json-column';
import { deleteUserMemberships } from '../store/memberships-store';
import type { Paging } from '../store/paging';
import type { EmailAddressTable, UserTable } from '../store/schema';
import { revokeUserSessions } from '../store/sessions-store';
import { revokeUserTickets } from '../store/tickets-store';
import * as store from '../store/users-store';
import { passwordColumnsOf } from './passwords';

/** Two nodes can race past the check below; the unique index then decides, and we say which identifier. */
function identifierTaken(ctx: ServerContext, error: unknown): ApiError | undefined {
  if (!ctx.dialect.isUniqueViolation(error)) return undefined;
  const detail = `${(error as { constraint?: string }).constraint ?? ''} ${(error as Error).message ?? ''}`;
  const param = /email/.test(detail) ? 'email_address' : 'username';
  return new ApiError(
    'form_identifier_exists',
    `That ${param === 'email_address' ? 'email address' : 'username'} is taken. Please try another.`,
    {
      param_name: param,
    },
  );
}

/** 422 `form_identifier_exists` naming the field when an email address or the username is another user's. */
export async function assertIdentifiersFree(
  db: Executor,
  emails: readonly string[],
  username: string | null,
  exceptUserId?: string,
): Promise<void> {
  const taken = await store.findTakenIdentifiers(db, { emails, username }, exceptUserId);
  if (taken.email !== undefined) {
    throw new ApiError('form_identifier_exists', 'That email address is taken. Please try another.', {
      param_name: 'email_address',
    });
  }
  if (taken.username !== undefined) {
    throw new ApiError('form_identifier_exists', 'That username is taken. Please try another.', {
      param_name: 'username',
    });
  }
}

/**
 * Creates a user. `options.id` fixes the id (fixtures); `options.db`, a transaction, makes the user
 * part of a larger change.
 */
export async function createUser(
  ctx: ServerContext,
  params: CreateUserParams,
  options: { readonly id?: string; readonly db?: Executor; readonly caller?: Caller } = {},
): Promise<store.UserRecord> {
  const now = ctx.clock.now();
  const userId = options.id ?? newId('user', now);
  const emails = [...new Set((params.email_address ?? []).map((email) => email.toLowerCase()))];
  // Addresses are read back ordered by (created_at, id); ids sorted here keep them in the order given.
  const emailIds = emails.map(() => newId('emailAddress', now)).sort();
  const emailRows: EmailAddressTable[] = emails.map((email, index) => ({
    id: emailIds[index]!,
    user_id: userId,
    email_address: email,
    created_at: now,
  }));
  const user: UserTable = {
    id: userId,
    external_id: params.external_id ?? null,
    username: params.username ?? null,
    first_name: params.first_name ?? null,
    last_name: params.last_name ?? null,
    primary_email_address_id: emailRows[0]?.id ?? null,
    public_metadata: toJsonColumn(params.public_metadata ?? {}),
    private_metadata: toJsonColumn(params.private_metadata ?? {}),
    unsafe_metadata: toJsonColumn(params.unsafe_metadata ?? {}),
    banned: 0,
    locked: 0,
    password_digest: null,
    password_hasher: null,
    ...(await passwordColumnsOf(params)),
    last_sign_in_at: null,
    last_active_at: null,
    created_at: now,
    updated_at: now,
  };
  const work = async (trx: Executor) => {
    if (options.id !== undefined && (await store.findUserStatus(trx, options.id))) {
      throw new ApiError('form_identifier_exists', 'That user id is taken.', { param_name: 'id' });
    }
    await assertIdentifiersFree(trx, emails, user.username);
    await store.insertUser(trx, user, emailRows);
    if (options.caller) {
      const { actor, client } = options.caller;
      await recordEvents(trx, [{ type: 'user.created', actor, client, userId }], now);
    }
  };
  try {
    if (options.db?.isTransaction) await work(options.db);
    else await ctx.db.transaction().execute(work);
  } catch (error) {
    throw identifierTaken(ctx, error) ?? error;
  }
  return { ...user, emails: emailRows };
}

export async function getUser(ctx: ServerContext, id: string): Promise<store.UserRecord> {
  const user = await store.findUserById(ctx.db, id);
  if (!user) throw ApiError.notFound('User');
  return user;
}

export function listUsers(ctx: ServerContext, filters: store.UserFilters, paging: Paging) {
  return store.listUsers(ctx.db, filters, paging);
}

export function countUsers(ctx: ServerContext, filters: store.UserFilters) {
  return store.countUsers(ctx.db, filters);
}

export async function updateUser(
  ctx: ServerContext,
  id: string,
  params: UpdateUserParams,
  caller: Caller,
): Promise<store.UserRecord> {
  // Hashed before the transaction: scrypt takes tens of milliseconds, in the thread pool.
  const password = await passwordColumnsOf(params);
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const user = await store.findUserById(trx, id);
      if (!user) throw ApiError.notFound('User');
      if (params.username !== undefined && params.username !== null) {
        await assertIdentifiersFree(trx, [], params.username, id);
      }
      if (
        params.primary_email_address_id !== undefined &&
        !user.emails.some((email) => email.id === params.primary_email_address_id)
      ) {
        throw ApiError.invalidParam(
          'primary_email_address_id',
          'primary_email_address_id must be one of the user’s email addresses.',
        );
      }
      const changes: Partial<UserTable> = { updated_at: ctx.clock.now() };
      if (params.username !== undefined) changes.username = params.username;
      if (params.first_name !== undefined) changes.first_name = params.first_name;
      if (params.last_name !== undefined) changes.last_name = params.last_name;
      if (params.external_id !== undefined) changes.external_id = params.external_id;
      if (params.primary_email_address_id !== undefined)
        changes.primary_email_address_id = params.primary_email_address_id;
      if (params.public_metadata) changes.public_metadata = toJsonColumn(params.public_metadata);
      if (params.private_metadata) changes.private_metadata = toJsonColumn(params.private_metadata);
      if (params.unsafe_metadata) changes.unsafe_metadata = toJsonColumn(params.unsafe_metadata);
      if (password) Object.assign(changes, password);
      await store.updateUser(trx, id, changes);
      // Which fields changed, never their values: a password or metadata stays out of the log.
      const fields = Object.keys(changes).filter(
        (key) => key !== 'updated_at' && !key.startsWith('password'),
      );
      if (password) fields.push('password');
      await recordEvents(
        trx,
        [{ type: 'user.updated', actor: caller.actor, client: caller.client, userId: id, data: { fields } }],
        changes.updated_at ?? ctx.clock.now(),
      );
      return { ...user, ...changes };
    })
    .catch((error: unknown) => {
      throw identifierTaken(ctx, error) ?? error;
    });
}

/**
 * Deletes the user and their organization memberships; their active sessions and pending tickets are
 * revoked in the same transaction.
 */
export async function deleteUser(ctx: ServerContext, id: string, caller: Caller): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await store.lockUserForChange(trx, id))) throw ApiError.notFound('User');
    const sessions = await revokeUserSessions(trx, id, now);
    const tickets = await revokeUserTickets(trx, id, now);
    await deleteUserMemberships(trx, id);
    await store.deleteUser(trx, id);
    // Each revoked ticket says so too, so that its own history (`?ticket_id=`) ends with it.
    const revocations = tickets.map((ticket) => ({
      type: 'ticket.revoked' as const,
      actor: caller.actor,
      client: caller.client,
      userId: id,
      ticket: { id: ticket.id, kind: ticket.kind as TicketKindName },
      reason: 'user_deleted',
    }));
    await recordEvents(
      trx,
      [
        ...revocations,
        {
          type: 'user.deleted',
          actor: caller.actor,
          client: caller.client,
          userId: id,
          data: { revoked_session_ids: sessions, revoked_ticket_ids: tickets.map((ticket) => ticket.id) },
        },
      ],
      now,
    );
  });
}

/**
 * Runs `work` on a user in a transaction that holds the user's row (on Postgres; SQLite has one
 * writer), so concurrent changes to one user apply one after the other. 404 for an unknown user.
 */
export async function changeUser<T>(
  ctx: ServerContext,
  id: string,
  work: (trx: Executor, user: store.UserRecord, now: number) => Promise<T>,
): Promise<T> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await store.lockUserForChange(trx, id))) throw ApiError.notFound('User');
    const user = await store.findUserById(trx, id);
    if (!user) throw ApiError.notFound('User');
    return work(trx, user, now);
  });
}

/**
 * Locks or unlocks a user. A locked user cannot be signed in (every kind of ticket is refused, as
 * for a ban) but keeps the sessions they have.
 */
export async function setUserLocked(
  ctx: ServerContext,
  id: string,
  locked: boolean,
  caller: Caller,
): Promise<store.UserRecord> {
  return changeUser(ctx, id, async (trx, user, now) => {
    await store.updateUser(trx, id, { locked: locked ? 1 : 0, updated_at: now });
    await recordEvents(
      trx,
      [
        {
          type: locked ? 'user.locked' : 'user.unlocked',
          actor: caller.actor,
          client: caller.client,
          userId: id,
        },
      ],
      now,
    );
    return { ...user, locked: locked ? 1 : 0, updated_at: now };
  });
}

/** Bans (revoking the user's active sessions; their tickets are refused on accept) or unbans. */
export async function setUserBanned(
  ctx: ServerContext,
  id: string,
  banned: boolean,
  caller: Caller,
): Promise<store.UserRecord> {
  return changeUser(ctx, id, async (trx, user, now) => {
    await store.updateUser(trx, id, { banned: banned ? 1 : 0, updated_at: now });
    const revoked = banned ? await revokeUserSessions(trx, id, now) : [];
    await recordEvents(
      trx,
      [
        {
          type: banned ? 'user.banned' : 'user.unbanned',
          actor: caller.actor,
          client: caller.client,
          userId: id,
          ...(banned && { data: { revoked_session_ids: revoked } }),
        },
      ],
      now,
    );
    return { ...user, banned: banned ? 1 : 0, updated_at: now };
  });
}
