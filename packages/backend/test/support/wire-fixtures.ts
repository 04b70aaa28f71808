/** Valid wire objects, as a tessera server sends them. */

const id = (prefix: string, seed: string) => `${prefix}_${seed.padEnd(27, '0')}`;

export const USER_ID = id('user', 'Ada');
export const SESSION_ID = id('sess', 'Ada');
export const CLIENT_ID = id('client', 'Ada');
export const EMAIL_ID = id('idn', 'Ada');
export const TOKEN_ID = id('tst', 'Ada');
export const SIGN_IN_TOKEN_ID = id('sit', 'Ada');
export const ACTOR_TOKEN_ID = id('act', 'Ada');
export const AGENT_TASK_ID = id('agttsk', 'Ada');
export const AGENT_ID = id('agt', 'Ada');
export const EVENT_ID = id('evt', 'Ada');
export const ORGANIZATION_ID = id('org', 'Acme');
export const SECRET_KEY = `sk_test_${'s3cr3t'.repeat(8)}`;

export function emailAddressJSON() {
  return {
    object: 'email_address',
    id: EMAIL_ID,
    email_address: 'ada@example.com',
    verification: {
      object: 'verification',
      status: 'verified',
      strategy: 'admin',
      attempts: null,
      expire_at: null,
    },
    linked_to: [],
  };
}

export function userJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'user',
    id: USER_ID,
    external_id: null,
    username: 'ada',
    first_name: 'Ada',
    last_name: null,
    image_url: null,
    has_image: false,
    primary_email_address_id: EMAIL_ID,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [emailAddressJSON()],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: { role: 'admin', nested_key: { keep_me: true } },
    private_metadata: {},
    unsafe_metadata: {},
    last_sign_in_at: null,
    last_active_at: null,
    banned: false,
    locked: false,
    create_organization_enabled: false,
    delete_self_enabled: false,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_001,
    ...overrides,
  };
}

export function sessionJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'session',
    id: SESSION_ID,
    client_id: CLIENT_ID,
    user_id: USER_ID,
    status: 'active',
    actor: { sub: TOKEN_ID, type: 'test_session_token' },
    last_active_organization_id: null,
    last_active_at: 1_700_000_000_010,
    expire_at: 1_700_001_800_000,
    abandon_at: 1_700_001_800_000,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_020,
    ...overrides,
  };
}

export function testSessionTokenJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'test_session_token',
    id: TOKEN_ID,
    user_id: USER_ID,
    status: 'pending',
    token: 'ticket-value',
    url: 'http://127.0.0.1:4000/v1/tickets/accept?ticket=ticket-value',
    redirect_url: null,
    session_id: null,
    organization_id: null,
    expires_at: 1_700_000_600_000,
    session_max_duration_in_seconds: 1800,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

/** The fields every kind of ticket has, pending, as in the reply to create. */
function ticketJSON(object: string, ticketId: string) {
  return {
    object,
    id: ticketId,
    user_id: USER_ID,
    status: 'pending',
    token: 'ticket-value',
    url: 'http://127.0.0.1:4000/v1/tickets/accept?ticket=ticket-value',
    redirect_url: null,
    session_id: null,
    organization_id: null,
    expires_at: 1_700_000_600_000,
    session_max_duration_in_seconds: 1800,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
  };
}

export function signInTokenJSON(overrides: Record<string, unknown> = {}) {
  return { ...ticketJSON('sign_in_token', SIGN_IN_TOKEN_ID), ...overrides };
}

export function actorTokenJSON(overrides: Record<string, unknown> = {}) {
  return {
    ...ticketJSON('actor_token', ACTOR_TOKEN_ID),
    actor: { sub: 'support_42', ticketRef: 'T-1', nested_key: { camelCase: true } },
    ...overrides,
  };
}

export function agentTaskJSON(overrides: Record<string, unknown> = {}) {
  return {
    ...ticketJSON('agent_task', AGENT_TASK_ID),
    agent_task_id: AGENT_TASK_ID,
    task_id: AGENT_TASK_ID,
    agent_id: AGENT_ID,
    agent_name: 'checkout-bot',
    task_description: 'Buy the weekly groceries',
    permissions: '*',
    redirect_url: 'http://localhost:3000/cart',
    ...overrides,
  };
}

export function testingTokenJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'testing_token',
    token: 'testing-token-value',
    expires_at: 1_700_003_600_000,
    ...overrides,
  };
}

export function auditEventJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'audit_event',
    id: EVENT_ID,
    type: 'ticket.accepted',
    actor: { type: 'agent', id: AGENT_ID, name: 'checkout-bot' },
    user_id: USER_ID,
    ticket_id: AGENT_TASK_ID,
    ticket_kind: 'agent_task',
    session_id: SESSION_ID,
    agent_name: 'checkout-bot',
    task_description: 'Buy the weekly groceries',
    reason: null,
    ip: '127.0.0.1',
    user_agent: 'node',
    data: { via: 'code' },
    created_at: 1_700_000_000_500,
    ...overrides,
  };
}

export const paginatedJSON = (data: unknown[], total = data.length) => ({ data, total_count: total });

export const MEMBERSHIP_ID = id('orgmem', 'Ada');
export const ROLE_ID = id('role', 'Accountant');
export const PERMISSION_ID = id('perm', 'InvoicesRead');
export const JWT_TEMPLATE_ID = id('jtmp', 'Supabase');

export function organizationJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'organization',
    id: ORGANIZATION_ID,
    name: 'Acme',
    slug: 'acme',
    image_url: null,
    has_image: false,
    max_allowed_memberships: 0,
    admin_delete_enabled: true,
    public_metadata: { plan: 'pro', nested_key: { keep_me: true } },
    private_metadata: {},
    created_by: USER_ID,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_001,
    ...overrides,
  };
}

export function permissionJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'permission',
    id: PERMISSION_ID,
    key: 'org:invoices:read',
    name: 'Read invoices',
    description: '',
    type: 'user',
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

export function roleJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'role',
    id: ROLE_ID,
    key: 'org:accountant',
    name: 'Accountant',
    description: null,
    permissions: [permissionJSON()],
    is_creator_eligible: false,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_002,
    ...overrides,
  };
}

export function membershipJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'organization_membership',
    id: MEMBERSHIP_ID,
    role: 'org:accountant',
    role_name: 'Accountant',
    permissions: ['org:invoices:read', 'org:sys_memberships:read'],
    public_metadata: { team: 'billing' },
    private_metadata: {},
    organization: organizationJSON(),
    public_user_data: {
      user_id: USER_ID,
      identifier: 'ada@example.com',
      first_name: 'Ada',
      last_name: null,
      image_url: 'https://img.test/ada.png',
      has_image: false,
    },
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_003,
    ...overrides,
  };
}

export function jwtTemplateJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'jwt_template',
    id: JWT_TEMPLATE_ID,
    name: 'supabase',
    claims: { role: 'authenticated', user_email: '{{user.primary_email_address}}' },
    lifetime: 60,
    allowed_clock_skew: 5,
    custom_signing_key: false,
    signing_algorithm: 'RS256',
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

export function sessionTokenTemplateJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'session_token_template',
    claims: { plan: '{{org.public_metadata.plan}}' },
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

const counts = (n: number) => ({ permissions: n, roles: n, users: n, organizations: n, memberships: n });

export function fixturesResultJSON(overrides: Record<string, unknown> = {}) {
  return {
    object: 'fixtures_result',
    created: counts(1),
    updated: counts(0),
    unchanged: counts(2),
    ...overrides,
  };
}
