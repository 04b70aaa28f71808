import { SECRET_KEY_PATTERN } from './core/secrets';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './http/node-server';
import type { DatabaseLocation } from './store/database';

/** A bad setting: `option` names it as the user wrote it (flag and environment variable). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option} ${message}`);
  }
}

export const DEFAULT_DATABASE_URL = 'file:.tessera/tessera.db';

/** The settings `tessera serve` takes, before validation. Each has a flag and an environment variable. */
export interface RawServeSettings {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly db?: string | undefined;
  readonly dbPoolSize?: string | undefined;
  readonly publicUrl?: string | undefined;
  readonly secretKey?: string | undefined;
  readonly allowedRedirectOrigins?: string | undefined;
  readonly clerkAppOrigins?: string | undefined;
  readonly enableTestSessionTokens?: string | undefined;
  readonly sessionTokenLifetime?: string | undefined;
  readonly auditRetentionDays?: string | undefined;
  readonly headersTimeout?: string | undefined;
  readonly requestTimeout?: string | undefined;
  readonly keepAliveTimeout?: string | undefined;
  readonly maxConnections?: string | undefined;
}

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** Validated; `database` is its parsed form. */
  readonly databaseUrl: string;
  readonly database: DatabaseLocation;
  readonly publicUrl: string | undefined;
  readonly secretKey: string | undefined;
  readonly allowedRedirectOrigins: readonly string[];
  readonly clerkAppOrigins: readonly string[];
  readonly enableTestSessionTokens: boolean;
  readonly databasePoolSize: number;
  readonly sessionTokenLifetimeSeconds: number;
  readonly auditRetentionDays: number;
  readonly serverLimits: ServerLimits;
}

function integerIn(option: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(option, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/** A comma-separated list of origins, each normalised (`HTTPS://App.example.com/` -> `https://app.example.com`). */
function originList(option: string, raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => parseOrigin(option, entry));
}

export const DEFAULT_POOL_SIZE = 10;
/** How long audit events are kept before housekeeping deletes them. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const MAX_AUDIT_RETENTION_DAYS = 3650;

export function parseDatabaseUrl(raw: string, poolSize = DEFAULT_POOL_SIZE): DatabaseLocation {
  const option = '--db / TESSERA_DATABASE_URL';
  if (raw === ':memory:' || raw === 'file::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(option, 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw, poolSize };
  }
  if (raw.startsWith('file:')) {
    const path = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new ConfigError(option, 'needs a path after "file:" (e.g. file:.tessera/tessera.db)');
    return { kind: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError(
      option,
      `has an unsupported scheme (use file:PATH or :memory:); got "${raw.split('://')[0]}://..."`,
    );
  }
  return { kind: 'sqlite', path: raw };
}

/** Normalises a URL to its origin; refuses paths, so a typo cannot silently widen or narrow the list. */
export function parseOrigin(option: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(option, `has an entry that is not a URL: "${raw}"`);
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new ConfigError(option, `entries must be origins like https://app.example.com (got "${raw}")`);
  }
  return url.origin;
}

export function parsePublicUrl(raw: string): string {
  const option = '--public-url / TESSERA_PUBLIC_URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(option, `must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(option, `must use http or https (got "${raw}")`);
  }
  if (url.search || url.hash) throw new ConfigError(option, 'must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}

export function resolveServeConfig(raw: RawServeSettings): ServeConfig {
  const secretKey = raw.secretKey?.trim() || undefined;
  if (secretKey !== undefined && !SECRET_KEY_PATTERN.test(secretKey)) {
    // Never echo the value: it is meant to be a secret.
    throw new ConfigError(
      'TESSERA_SECRET_KEY',
      'must be sk_test_ or sk_live_ followed by 32 to 128 characters of [A-Za-z0-9_-]',
    );
  }
  const enable = raw.enableTestSessionTokens?.trim().toLowerCase();
  if (enable !== undefined && enable !== '' && enable !== 'true' && enable !== 'false') {
    throw new ConfigError(
      'TESSERA_ENABLE_TEST_SESSION_TOKENS',
      `must be true or false (got "${raw.enableTestSessionTokens}")`,
    );
  }
  const originsOption = 'TESSERA_ALLOWED_REDIRECT_ORIGINS';
  const databaseUrl = raw.db?.trim() || DEFAULT_DATABASE_URL;
  const poolSize = integerIn(
    '--db-pool-size / TESSERA_DATABASE_POOL_SIZE',
    raw.dbPoolSize ?? String(DEFAULT_POOL_SIZE),
    1,
    1000,
  );
  return {
    port: integerIn('--port / PORT', raw.port ?? '4000', 0, 65535),
    host: raw.host?.trim() || '127.0.0.1',
    databaseUrl,
    database: parseDatabaseUrl(databaseUrl, poolSize),
    publicUrl: raw.publicUrl ? parsePublicUrl(raw.publicUrl.trim()) : undefined,
    secretKey,
    allowedRedirectOrigins: originList(originsOption, raw.allowedRedirectOrigins),
    clerkAppOrigins: originList('--clerk-app-origins / TESSERA_CLERK_APP_ORIGINS', raw.clerkAppOrigins),
    enableTestSessionTokens: enable === 'true',
    databasePoolSize: poolSize,
    sessionTokenLifetimeSeconds: integerIn(
      '--session-token-lifetime / TESSERA_SESSION_TOKEN_LIFETIME_SECONDS',
      raw.sessionTokenLifetime ?? '60',
      1,
      3600,
    ),
    auditRetentionDays: integerIn(
      '--audit-retention-days / TESSERA_AUDIT_RETENTION_DAYS',
      raw.auditRetentionDays ?? String(DEFAULT_AUDIT_RETENTION_DAYS),
      1,
      MAX_AUDIT_RETENTION_DAYS,
    ),
    serverLimits: serverLimitsOf(raw),
  };
}

const HOUR_MS = 3_600_000;

function serverLimitsOf(raw: RawServeSettings): ServerLimits {
  const limit = (option: string, value: string | undefined, fallback: number, max: number) =>
    integerIn(option, value ?? String(fallback), 1, max);
  const limits: ServerLimits = {
    headersTimeoutMs: limit(
      '--headers-timeout / TESSERA_HEADERS_TIMEOUT_MS',
      raw.headersTimeout,
      DEFAULT_SERVER_LIMITS.headersTimeoutMs,
      HOUR_MS,
    ),
    requestTimeoutMs: limit(
      '--request-timeout / TESSERA_REQUEST_TIMEOUT_MS',
      raw.requestTimeout,
      DEFAULT_SERVER_LIMITS.requestTimeoutMs,
      HOUR_MS,
    ),
    keepAliveTimeoutMs: limit(
      '--keep-alive-timeout / TESSERA_KEEP_ALIVE_TIMEOUT_MS',
      raw.keepAliveTimeout,
      DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
      HOUR_MS,
    ),
    maxConnections: limit(
      '--max-connections / TESSERA_MAX_CONNECTIONS',
      raw.maxConnections,
      DEFAULT_SERVER_LIMITS.maxConnections,
      1_000_000,
    ),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      '--headers-timeout / TESSERA_HEADERS_TIMEOUT_MS',
      `must not exceed the request timeout (${limits.requestTimeoutMs} ms)`,
    );
  }
  return limits;
}
