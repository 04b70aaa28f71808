import type { Kysely } from 'kysely';
import type { Database, TicketTable, UserTable } from '../../src/store/schema';

/** Whole rows, for tests that write below the API: every column, its defaults, then `overrides`. */
export function userRow(id: string, at: number, overrides: Partial<UserTable> = {}): UserTable {
  return {
    id,
    external_id: null,
    username: null,
    first_name: null,
    last_name: null,
    primary_email_address_id: null,
    public_metadata: '{}',
    private_metadata: '{}',
    unsafe_metadata: '{}',
    banned: 0,
    locked: 0,
    password_digest: null,
    password_hasher: null,
    last_sign_in_at: null,
    last_active_at: null,
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}

/** A pending test session token issued at `at`, expiring ten minutes later. */
export function ticketRow(
  id: string,
  userId: string,
  at: number,
  overrides: Partial<TicketTable> = {},
): TicketTable {
  return {
    id,
    kind: 'test_session_token',
    user_id: userId,
    token_hash: `hash-of-${id}`,
    status: 'pending',
    redirect_url: null,
    session_id: null,
    expires_at: at + 600_000,
    session_max_duration_seconds: 1800,
    details: null,
    agent_id: null,
    expiry_recorded: 0,
    organization_id: null,
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}

/**
 * The tables as they were before later migrations added columns (0005 and 0007 to tickets, 0006 to users). A
 * row of these shapes can be written at any schema since: the columns added later take their defaults.
 */
export interface EarlierDatabase {
  users: Omit<UserTable, 'locked' | 'password_digest' | 'password_hasher'>;
  tickets: Omit<TicketTable, 'details' | 'agent_id' | 'expiry_recorded' | 'organization_id'>;
}

/** `db`, for writing rows of the earlier shapes (tests that migrate to an earlier schema first). */
export function earlierSchema(db: Kysely<Database>): Kysely<EarlierDatabase> {
  return db as unknown as Kysely<EarlierDatabase>;
}

/** `userRow` without the columns added since 0001. */
export function earlierUserRow(
  id: string,
  at: number,
  overrides: Partial<UserTable> = {},
): EarlierDatabase['users'] {
  const {
    locked: _locked,
    password_digest: _digest,
    password_hasher: _hasher,
    ...row
  } = userRow(id, at, overrides);
  return row;
}

/** `ticketRow` without the columns added since 0001. */
export function earlierTicketRow(
  id: string,
  userId: string,
  at: number,
  overrides: Partial<TicketTable> = {},
): EarlierDatabase['tickets'] {
  const {
    details: _details,
    agent_id: _agentId,
    expiry_recorded: _recorded,
    organization_id: _organizationId,
    ...row
  } = ticketRow(id, userId, at, overrides);
  return row;
}
