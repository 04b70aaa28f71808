/** Timestamps are Unix milliseconds; booleans are 0/1 so the same SQL runs on SQLite and Postgres. */
export interface InstanceTable {
  id: string;
  environment: 'development' | 'production';
  secret_key_hash: string;
  created_at: number;
  /** The session token template: JSON of custom claims merged into every session JWT (0007). */
  session_claims: string | null;
  session_claims_updated_at: number | null;
}

export interface SigningKeyTable {
  kid: string;
  private_key_pem: string;
  public_jwk: string;
  created_at: number;
  /** Set when a newer key became current; the key stays in the JWKS until its last JWT expires. */
  retired_at: number | null;
}

export interface UserTable {
  id: string;
  external_id: string | null;
  /** As the user spelled it; unique case-insensitively (an index on `lower(username)`, 0004). */
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  primary_email_address_id: string | null;
  public_metadata: string;
  private_metadata: string;
  unsafe_metadata: string;
  banned: number;
  /** 1 while locked: no ticket signs them in, their sessions go on (0006). */
  locked: number;
  /** The password's digest, never the password (0006); null without a password. */
  password_digest: string | null;
  /** `scrypt` (tessera's own), or the hasher of an imported digest: `bcrypt`, `argon2i`, `argon2id`. */
  password_hasher: string | null;
  last_sign_in_at: number | null;
  last_active_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface EmailAddressTable {
  id: string;
  user_id: string;
  /** Lower-cased; unique across the instance. */
  email_address: string;
  created_at: number;
}

export interface TicketTable {
  id: string;
  kind: string;
  user_id: string;
  /** SHA-256 (hex) of the ticket value, which carries the id; the value itself is never stored. */
  token_hash: string;
  status: 'pending' | 'accepted' | 'revoked';
  redirect_url: string | null;
  session_id: string | null;
  expires_at: number;
  session_max_duration_seconds: number;
  /** JSON of what only some kinds carry: an actor token's actor, an agent task's agent and task. */
  details: string | null;
  /** An agent task's agent. */
  agent_id: string | null;
  /** 1 once the audit log has recorded that this pending ticket expired (0005). */
  expiry_recorded: number;
  /** The organization the session starts in (0007). */
  organization_id: string | null;
  created_at: number;
  updated_at: number;
}

/** An agent, by name: the same `agent_name` always maps to the same id. */
export interface AgentTable {
  id: string;
  name: string;
  created_at: number;
}

/** One act in the audit log; written in the transaction of the change it records. */
export interface AuditEventTable {
  id: string;
  type: string;
  /** JSON `{ type, id, name }`. */
  actor: string;
  user_id: string | null;
  ticket_id: string | null;
  ticket_kind: string | null;
  session_id: string | null;
  agent_name: string | null;
  task_description: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object or null. */
  data: string | null;
  created_at: number;
}

/** Tickets issued before values carried their id, found by hash until they expire. */
export interface LegacyTicketHashTable {
  token_hash: string;
  ticket_id: string;
  expires_at: number;
}

export interface SessionTable {
  id: string;
  client_id: string;
  user_id: string;
  /** `expired` is not stored: an active session past `expire_at` reads as expired. */
  status: 'active' | 'revoked' | 'ended';
  actor: string | null;
  ticket_id: string | null;
  authorized_party: string | null;
  /** SHA-256 of the refresh token the app holds for this session, once a handoff was redeemed. */
  refresh_token_hash: string | null;
  /** The organization its JWTs carry in `o` (0007). */
  last_active_organization_id: string | null;
  /** JSON of custom claims for this session only, a test session token's `claims` (0007). */
  claims: string | null;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeyTable {
  /** SHA-256 of scope + key; the key itself is never stored. */
  key_hash: string;
  request_hash: string;
  /** Null while the first request is still running. */
  response_status: number | null;
  /** The reply, AES-256-GCM encrypted under a key derived from the idempotency key. */
  response_sealed: string | null;
  created_at: number;
  expires_at: number;
}

export interface SessionHandoffTable {
  /** SHA-256 of the handoff value. */
  handoff_hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
}

export interface OrganizationTable {
  id: string;
  name: string;
  /** Lower-case; unique. */
  slug: string;
  image_url: string | null;
  /** 0: no limit. */
  max_allowed_memberships: number;
  admin_delete_enabled: number;
  public_metadata: string;
  private_metadata: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface OrganizationPermissionTable {
  id: string;
  /** `org:<feature>:<action>`; unique. */
  key: string;
  name: string;
  description: string;
  /** `system` (`org:sys_...`, tessera's own) or `user`. */
  type: 'system' | 'user';
  created_at: number;
  updated_at: number;
}

export interface OrganizationRoleTable {
  id: string;
  /** `org:<name>`; unique. */
  key: string;
  name: string;
  description: string | null;
  is_creator_eligible: number;
  created_at: number;
  updated_at: number;
}

export interface OrganizationRolePermissionTable {
  role_id: string;
  permission_id: string;
}

export interface OrganizationMembershipTable {
  id: string;
  organization_id: string;
  user_id: string;
  role_id: string;
  public_metadata: string;
  private_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface JwtTemplateTable {
  id: string;
  /** Unique; what `POST /v1/sessions/{id}/tokens/{name}` names. */
  name: string;
  /** JSON object of claims, shortcodes unrendered. */
  claims: string;
  lifetime: number;
  allowed_clock_skew: number;
  created_at: number;
  updated_at: number;
}

/** A browser holding sessions (Clerk's client), found by its development-browser token. */
export interface ClientTable {
  id: string;
  /** SHA-256 of the secret part of the development-browser token. */
  dev_browser_hash: string;
  created_at: number;
  updated_at: number;
}

/** A nonce of Clerk's handshake: redeemed once by the app's backend for the client's cookies. */
export interface HandshakeNonceTable {
  /** SHA-256 of the nonce. */
  nonce_hash: string;
  client_id: string;
  /** The client's development-browser token, sealed under a key derived from the nonce. */
  sealed_dev_browser: string;
  /** Where the nonce takes the browser: the `azp` of the JWT it yields, and whether cookies are Secure. */
  redirect_origin: string;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
}

/** A person signed in to Studio with the secret key (where Studio asks for it). */
export interface StudioSessionTable {
  /** SHA-256 of the cookie's value. */
  token_hash: string;
  created_at: number;
  expires_at: number;
}

export interface Database {
  instance: InstanceTable;
  signing_keys: SigningKeyTable;
  users: UserTable;
  email_addresses: EmailAddressTable;
  tickets: TicketTable;
  legacy_ticket_hashes: LegacyTicketHashTable;
  sessions: SessionTable;
  idempotency_keys: IdempotencyKeyTable;
  session_handoffs: SessionHandoffTable;
  clients: ClientTable;
  handshake_nonces: HandshakeNonceTable;
  studio_sessions: StudioSessionTable;
  agents: AgentTable;
  audit_events: AuditEventTable;
  organizations: OrganizationTable;
  organization_permissions: OrganizationPermissionTable;
  organization_roles: OrganizationRoleTable;
  organization_role_permissions: OrganizationRolePermissionTable;
  organization_memberships: OrganizationMembershipTable;
  jwt_templates: JwtTemplateTable;
}
