import type { Kysely } from 'kysely';
import type { SessionTokenTemplateCache } from '../claims/session-token-template';
import type { SigningKeys } from '../sessions/signing-keys';
import type { Dialect } from '../store/database';
import type { Database } from '../store/schema';
import type { Clock } from './clock';
import type { Environment } from './secrets';

/** Resolved, validated settings of a running instance. */
export interface Settings {
  /** Base of ticket URLs and the JWT `iss`, without a trailing slash. */
  readonly publicUrl: string;
  /** Origins (`scheme://host[:port]`) a ticket may redirect to, besides the built-in ones. */
  readonly allowedRedirectOrigins: readonly string[];
  /**
   * Origins of apps that authenticate with Clerk's SDKs (development instances): a ticket redirecting
   * there lands through Clerk's handshake instead of tessera's handoff. Also allowed redirect origins.
   */
  readonly clerkAppOrigins: readonly string[];
  /** Production instances refuse test session tokens unless this is set. */
  readonly testSessionTokensEnabled: boolean;
  /** Lifetime of a session JWT. */
  readonly sessionTokenLifetimeSeconds: number;
  /** Audit events older than this are deleted by housekeeping. */
  readonly auditRetentionDays: number;
}

/** What every service needs: passed explicitly, never imported as a global. */
export interface ServerContext {
  readonly db: Kysely<Database>;
  /** What differs between databases: locks, and how failures are recognised. */
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly settings: Settings;
  readonly environment: Environment;
  readonly instanceId: string;
  readonly secretKeyHash: string;
  readonly keys: SigningKeys;
  /** The instance's session token template, as this node last read it. */
  readonly sessionTemplate: SessionTokenTemplateCache;
}
