import type { TicketTable, UserTable } from '../../src/store/schema';

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
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}
