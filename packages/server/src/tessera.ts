import { existsSync } from 'node:fs';
import {
  type FixturesDocument,
  fixturesDocument,
  parse,
  type SessionWithTokenJSON,
  updateSessionTokenTemplateParams,
} from '@tessera/wire';
import { SessionTokenTemplateCache, setSessionTokenTemplate } from './claims/session-token-template';
import { DEFAULT_AUDIT_RETENTION_DAYS, parseDatabaseUrl, parseOrigin } from './config';
import { ApiError } from './core/api-error';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import type { ServerContext, Settings } from './core/context';
import { type Environment, publishableKeyFor } from './core/secrets';
import { applyFixtures } from './fixtures/apply-fixtures';
import { type App, createApp } from './http/app';
import { DEFAULT_SERVER_LIMITS, listen, type ServerLimits } from './http/node-server';
import { type RequestLogger, stdoutRequestLogger } from './http/request-log';
import { ROUTES } from './http/routes/index';
import { bootstrapInstance } from './instance/bootstrap';
import { runHousekeeping } from './instance/housekeeping';
import { createSessionWithTokenInProcess, type InProcessSessionParams } from './sessions/in-process-sessions';
import { generateSigningKeyPair, SigningKeys } from './sessions/signing-keys';
import { type DatabaseLocation, type Dialect, openDatabase } from './store/database';
import { isLoopback } from './studio/gate';
import { withStudio } from './studio/studio';
import { checkAllowedOrigins, checkClerkAppOrigins } from './tickets/redirect-policy';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/** Housekeeping now and every ten minutes; a failed pass (database down) waits for the next. */
function startHousekeeping(dialect: Dialect, clock: Clock, settings: Settings): NodeJS.Timeout {
  const pass = () => runHousekeeping(dialect.db, clock.now(), settings).catch(() => {});
  void pass();
  return setInterval(pass, HOUSEKEEPING_INTERVAL_MS).unref();
}

export interface TesseraOptions {
  /** `:memory:` (the default here), `file:PATH`, a path, or `postgres://...`. The CLI defaults to `file:.tessera/tessera.db`. */
  readonly databaseUrl?: string;
  /** Connections in the Postgres pool (default 10). */
  readonly databasePoolSize?: number;
  /** 0 (the default here) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Base of ticket URLs and the JWT `iss`; defaults to `http://<host>:<port>`. */
  readonly publicUrl?: string | undefined;
  /** Pins the instance's secret key; otherwise one is generated on first start. */
  readonly secretKey?: string | undefined;
  readonly allowedRedirectOrigins?: readonly string[];
  /**
   * Origins of apps using Clerk's SDKs (`clerkMiddleware`), development instances only: tickets
   * redirecting there land through Clerk's handshake. See docs/CLERK.md.
   */
  readonly clerkAppOrigins?: readonly string[];
  /**
   * Serve Studio, the web page, at `/` and `/studio/...` (default true). It opens directly on a
   * development instance listening on loopback, and asks for the secret key anywhere else.
   */
  readonly studio?: boolean;
  /** Allow test session tokens on a production (`sk_live_`) instance. */
  readonly enableTestSessionTokens?: boolean;
  /** Session JWT lifetime (default 60). */
  readonly sessionTokenLifetimeSeconds?: number;
  /** Audit events older than this are deleted (default 90). */
  readonly auditRetentionDays?: number;
  readonly clock?: Clock;
  /** Where the per-request log lines go (default: stdout); `false` for none. */
  readonly log?: RequestLogger | false;
  /** Time to receive a request's headers (default 20000). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request (default 30000); at least `headersTimeoutMs`. */
  readonly requestTimeoutMs?: number;
  /** Idle keep-alive connections close after this (default 65000). */
  readonly keepAliveTimeoutMs?: number;
  /** Open connections at most (default 1024); more are closed as they arrive. */
  readonly maxConnections?: number;
  /** Fixtures applied at start, before the server listens (`tessera serve --seed`); a bad one fails the start. */
  readonly seed?: FixturesDocument;
  /** The session token template, set at start (`tessera serve --session-claims`); checked like `PUT /v1/session_token_template`. */
  readonly sessionClaims?: Record<string, unknown>;
}

/** The server's limits from the options, refused at start (naming the option) when out of range. */
function serverLimitsOf(options: TesseraOptions): ServerLimits {
  const pick = (name: keyof ServerLimits, min: number): number => {
    const value = options[name] ?? DEFAULT_SERVER_LIMITS[name];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new TypeError(`startTessera: ${name} must be an integer of at least ${min}, got ${value}`);
    }
    return value;
  };
  const limits: ServerLimits = {
    headersTimeoutMs: pick('headersTimeoutMs', 1),
    requestTimeoutMs: pick('requestTimeoutMs', 1),
    keepAliveTimeoutMs: pick('keepAliveTimeoutMs', 1),
    maxConnections: pick('maxConnections', 1),
  };
  // Node refuses a headersTimeout above requestTimeout (at the first request, not at listen).
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new TypeError('startTessera: headersTimeoutMs must not exceed requestTimeoutMs');
  }
  return limits;
}

export interface RunningTessera {
  /** The address it listens on, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  readonly publicUrl: string;
  readonly instanceId: string;
  readonly environment: Environment;
  /** Known when generated on this start or pinned; otherwise only its hash exists. */
  readonly secretKey: string | undefined;
  readonly publishableKey: string;
  /** True when this start created the instance. */
  readonly created: boolean;
  /** The app itself, for in-process requests that skip the socket. */
  readonly app: App;
  readonly context: ServerContext;
  /**
   * A session for a user and its first JWT, without HTTP: `POST /v1/sessions/with_token` for a test
   * process that runs tessera itself. The same checks (a production instance refuses it unless test
   * session tokens are enabled; a banned or locked user gets none), rejecting with an `ApiError`.
   *
   * @example
   * const { jwt } = await tessera.createSessionWithToken({ userId: 'user_...' });
   * await fetch(`${appUrl}/api/me`, { headers: { Authorization: `Bearer ${jwt}` } });
   */
  createSessionWithToken(params: InProcessSessionParams): Promise<SessionWithTokenJSON>;
  close(): Promise<void>;
}

/**
 * The session claims and fixtures given at start. They go through the same checks as the API: a bad
 * value fails the start with the error naming the field (`users[1].email_address`).
 */
async function applyStartupData(context: ServerContext, options: TesseraOptions): Promise<void> {
  const fail = (what: string, error: unknown): never => {
    if (error instanceof ApiError) {
      const param = error.meta?.param_name;
      const named = typeof param === 'string' && !error.longMessage.startsWith(param);
      throw new TypeError(`${what}: ${named ? `${param}: ` : ''}${error.longMessage}`);
    }
    throw error;
  };
  if (options.sessionClaims !== undefined) {
    const claims = parse(
      updateSessionTokenTemplateParams,
      { claims: options.sessionClaims },
      { unknownKeys: 'reject', request: true },
    );
    if (!claims.ok)
      fail(
        'sessionClaims',
        new ApiError('form_param_value_invalid', `${claims.issues[0]?.path}: ${claims.issues[0]?.message}`),
      );
    await setSessionTokenTemplate(context, options.sessionClaims).catch((error: unknown) =>
      fail('sessionClaims', error),
    );
  }
  if (options.seed !== undefined) {
    const seed = parse(fixturesDocument, options.seed, { unknownKeys: 'reject', request: true });
    if (!seed.ok) {
      const issue = seed.issues[0];
      fail('seed', new ApiError('form_param_value_invalid', `${issue?.path}: ${issue?.message}`));
    }
    await applyFixtures(context, options.seed).catch((error: unknown) => fail('seed', error));
  }
}

/** A SQLite database about to be created: it will need its first signing key. */
function isNewSqliteDatabase(location: DatabaseLocation): boolean {
  return location.kind === 'sqlite' && (location.path === ':memory:' || !existsSync(location.path));
}

/**
 * Opens the database (applying migrations), bootstraps the instance and serves the API.
 *
 * @example
 * const tessera = await startTessera({ databaseUrl: ':memory:' });
 * console.log(tessera.url, tessera.secretKey);
 * await tessera.close();
 */
export async function startTessera(options: TesseraOptions = {}): Promise<RunningTessera> {
  const clock = options.clock ?? systemClock;
  const limits = serverLimitsOf(options);
  const host = options.host ?? '127.0.0.1';
  const location = parseDatabaseUrl(options.databaseUrl ?? ':memory:', options.databasePoolSize);
  // Normalised as the CLI does, so `HTTPS://app.example.com/` names the origin a redirect will have.
  const allowedRedirectOrigins = (options.allowedRedirectOrigins ?? []).map((origin) =>
    parseOrigin('allowedRedirectOrigins', origin),
  );
  const clerkAppOrigins = (options.clerkAppOrigins ?? []).map((origin) =>
    parseOrigin('clerkAppOrigins', origin),
  );
  // A new SQLite database needs a signing key: make it in the thread pool while migrations run.
  const firstSigningKey = isNewSqliteDatabase(location) ? generateSigningKeyPair() : undefined;
  firstSigningKey?.catch(() => {}); // a failure surfaces where the key is used
  const dialect = await openDatabase(location);
  try {
    const boot = await bootstrapInstance(dialect, {
      pinnedSecretKey: options.secretKey,
      clock,
      firstSigningKey,
    });
    checkAllowedOrigins(allowedRedirectOrigins, boot.instance.environment);
    checkClerkAppOrigins(
      clerkAppOrigins,
      boot.instance.environment,
      new URL(options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}`).hostname,
    );
    const lifetime = options.sessionTokenLifetimeSeconds ?? 60;
    const keys = new SigningKeys(dialect, clock);
    await keys.current();
    const settings = {
      publicUrl: options.publicUrl ?? '',
      allowedRedirectOrigins,
      clerkAppOrigins,
      testSessionTokensEnabled: options.enableTestSessionTokens ?? false,
      sessionTokenLifetimeSeconds: lifetime,
      auditRetentionDays: options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    };
    const context: { -readonly [K in keyof ServerContext]: ServerContext[K] } = {
      db: dialect.db,
      dialect,
      clock,
      settings,
      environment: boot.instance.environment,
      instanceId: boot.instance.id,
      secretKeyHash: boot.instance.secret_key_hash,
      keys,
      sessionTemplate: new SessionTokenTemplateCache(),
    };
    const api = createApp(
      context,
      ROUTES,
      options.log === false ? undefined : (options.log ?? stdoutRequestLogger),
    );
    const app =
      options.studio === false
        ? api
        : withStudio(context, api, {
            open:
              boot.instance.environment === 'development' &&
              isLoopback(host) &&
              (options.publicUrl === undefined || isLoopback(new URL(options.publicUrl).hostname)),
          });
    await applyStartupData(context, options);
    const housekeeping = startHousekeeping(dialect, clock, settings);
    const listening = await listen(app, host, options.port ?? 0, limits);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
    // The public URL may depend on the port picked, so it is settled once listening.
    settings.publicUrl = options.publicUrl ?? url;
    return {
      url,
      publicUrl: settings.publicUrl,
      instanceId: boot.instance.id,
      environment: boot.instance.environment,
      secretKey: boot.secretKey,
      publishableKey: publishableKeyFor(boot.instance.environment, new URL(settings.publicUrl).host),
      created: boot.created,
      app,
      context,
      createSessionWithToken: (params) => createSessionWithTokenInProcess(context, params),
      close: async () => {
        clearInterval(housekeeping);
        await listening.close();
        await dialect.close();
      },
    };
  } catch (error) {
    await dialect.close();
    throw error;
  }
}
