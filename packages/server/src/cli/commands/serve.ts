import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FixturesDocument } from '@tessera/wire';
import type { Command } from 'commander';
import { type RawServeSettings, resolveServeConfig, type ServeConfig } from '../../config';
import { stdoutRequestLogger } from '../../http/request-log';
import { BootstrapError } from '../../instance/bootstrap';
import { DatabaseError } from '../../store/database';
import { type RunningTessera, startTessera } from '../../tessera';
import { claimsOption } from '../claims-option';
import { fixturesFileError, readFixturesFile, withoutPath } from '../fixtures-file';
import { CliError, type CliIo } from '../io';
import { serveBanner } from '../serve-banner';

interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly db?: string;
  readonly dbPoolSize?: string;
  readonly publicUrl?: string;
  readonly sessionTokenLifetime?: string;
  readonly clerkAppOrigins?: string;
  readonly auditRetentionDays?: string;
  readonly headersTimeout?: string;
  readonly requestTimeout?: string;
  readonly keepAliveTimeout?: string;
  readonly maxConnections?: string;
  readonly seed?: string;
  readonly sessionClaims?: string;
  readonly quiet?: boolean;
  /** `--no-studio` sets it false. */
  readonly studio?: boolean;
}

const SESSION_CLAIMS_OPTION = '--session-claims / TESSERA_SESSION_CLAIMS';

/** What `--seed` and `--session-claims` give, read and checked before the database is opened. */
interface StartupData {
  readonly seedFile: string | undefined;
  readonly seed: FixturesDocument | undefined;
  readonly sessionClaims: Record<string, unknown> | undefined;
}

function startupData(flags: ServeFlags, io: CliIo): StartupData {
  const seedFile = flags.seed ?? (io.env.TESSERA_SEED || undefined);
  const claims = flags.sessionClaims ?? (io.env.TESSERA_SESSION_CLAIMS || undefined);
  return {
    seedFile,
    seed: seedFile === undefined ? undefined : readFixturesFile(seedFile, io.cwd),
    sessionClaims: claims === undefined ? undefined : claimsOption(SESSION_CLAIMS_OPTION, claims, io.cwd),
  };
}

/**
 * startTessera refuses bad start-up data with a TypeError naming the option (`seed: ...`,
 * `sessionClaims: ...`): said as the file or the flag, in one line, exit code 2.
 */
function startupDataRefusal(error: unknown, data: StartupData): CliError | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const [, option, rest = ''] = /^(seed|sessionClaims): (.*)$/s.exec(error.message) ?? [];
  if (option === 'seed' && data.seedFile !== undefined) {
    // "users[1].email_address: ...": the entry first, as `tessera seed` says it.
    const where =
      /^(?:(?:permissions|roles|users|organizations)\[\d+\]|session_token_template)[\w.[\]]*/.exec(rest)?.[0];
    const what = rest.replace(/\.$/, '');
    return fixturesFileError(data.seedFile, where, where === undefined ? what : withoutPath(where, what));
  }
  if (option === 'sessionClaims') return new CliError(`${SESSION_CLAIMS_OPTION}: ${rest}`, 2);
  return undefined;
}

/** Flags win over environment variables. */
function rawSettings(flags: ServeFlags, env: CliIo['env']): RawServeSettings {
  return {
    port: flags.port ?? env.PORT,
    host: flags.host ?? env.HOST,
    db: flags.db ?? env.TESSERA_DATABASE_URL,
    dbPoolSize: flags.dbPoolSize ?? env.TESSERA_DATABASE_POOL_SIZE,
    publicUrl: flags.publicUrl ?? env.TESSERA_PUBLIC_URL,
    secretKey: env.TESSERA_SECRET_KEY,
    allowedRedirectOrigins: env.TESSERA_ALLOWED_REDIRECT_ORIGINS,
    clerkAppOrigins: flags.clerkAppOrigins ?? env.TESSERA_CLERK_APP_ORIGINS,
    enableTestSessionTokens: env.TESSERA_ENABLE_TEST_SESSION_TOKENS,
    sessionTokenLifetime: flags.sessionTokenLifetime ?? env.TESSERA_SESSION_TOKEN_LIFETIME_SECONDS,
    auditRetentionDays: flags.auditRetentionDays ?? env.TESSERA_AUDIT_RETENTION_DAYS,
    headersTimeout: flags.headersTimeout ?? env.TESSERA_HEADERS_TIMEOUT_MS,
    requestTimeout: flags.requestTimeout ?? env.TESSERA_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: flags.keepAliveTimeout ?? env.TESSERA_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: flags.maxConnections ?? env.TESSERA_MAX_CONNECTIONS,
  };
}

/** The key file: beside a file database, `.tessera/secret-key` for Postgres, none for `:memory:`. */
function secretKeyFileOf(config: ServeConfig, cwd: string): string | undefined {
  const { database } = config;
  if (database.kind === 'postgres') return join(cwd, '.tessera', 'secret-key');
  return database.path === ':memory:' ? undefined : join(dirname(database.path), 'secret-key');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the tessera server (embedded SQLite by default); the default command')
    .option('--port <port>', 'port to listen on; env PORT (default 4000)')
    .option('--host <host>', 'address to listen on; env HOST (default 127.0.0.1)')
    .option(
      '--db <url>',
      'file:PATH, :memory: or postgres://...; env TESSERA_DATABASE_URL (default file:.tessera/tessera.db)',
    )
    .option(
      '--db-pool-size <n>',
      'Postgres connections per node; env TESSERA_DATABASE_POOL_SIZE (default 10)',
    )
    .option(
      '--public-url <url>',
      'base of ticket URLs and the JWT iss; env TESSERA_PUBLIC_URL (default http://<host>:<port>)',
    )
    .option(
      '--session-token-lifetime <seconds>',
      'session JWT lifetime; env TESSERA_SESSION_TOKEN_LIFETIME_SECONDS (default 60)',
    )
    .option(
      '--clerk-app-origins <origins>',
      "comma-separated origins of apps using Clerk's SDKs: tickets land there through Clerk's handshake (development instances; see docs/CLERK.md); env TESSERA_CLERK_APP_ORIGINS",
    )
    .option(
      '--audit-retention-days <days>',
      'audit events older than this are deleted; env TESSERA_AUDIT_RETENTION_DAYS (default 90)',
    )
    .option(
      '--headers-timeout <ms>',
      "time to receive a request's headers; env TESSERA_HEADERS_TIMEOUT_MS (default 20000)",
    )
    .option(
      '--request-timeout <ms>',
      'time to receive a whole request; env TESSERA_REQUEST_TIMEOUT_MS (default 30000)',
    )
    .option(
      '--keep-alive-timeout <ms>',
      'idle keep-alive connections close after this; env TESSERA_KEEP_ALIVE_TIMEOUT_MS (default 65000)',
    )
    .option(
      '--max-connections <n>',
      'open connections at most, more are closed; env TESSERA_MAX_CONNECTIONS (default 1024)',
    )
    .option(
      '--seed <file>',
      'fixtures applied once at start, as `tessera seed` does (JSON, or YAML if .yaml/.yml); env TESSERA_SEED',
    )
    .option(
      '--session-claims <json|@file>',
      'custom claims in every session JWT (the session token template); env TESSERA_SESSION_CLAIMS',
    )
    .option('--quiet', 'do not log one line per request')
    .option(
      '--no-studio',
      'do not serve Studio, the web page at / (it opens directly on a loopback development instance and asks for the secret key elsewhere); env TESSERA_STUDIO=false',
    )
    .addHelpText(
      'after',
      `
Environment only:
  TESSERA_SECRET_KEY                   pin the instance's secret key (sk_test_... development, sk_live_... production)
  TESSERA_ALLOWED_REDIRECT_ORIGINS     comma-separated origins tickets may redirect to
  TESSERA_ENABLE_TEST_SESSION_TOKENS   true to allow test session tokens on a production instance

A bad --seed file or --session-claims stops the start with one line naming the entry and field
(exit code 2); nothing of the seed is applied. Claims may use shortcodes such as {{user.id}}:
  $ tessera serve --seed seed.yaml --session-claims '{"plan":"{{user.public_metadata.plan}}"}'`,
    )
    .action(async (flags: ServeFlags, command: Command) => {
      // The server is reached at --host/--port; the global --api-url is where clients look for it.
      if (command.optsWithGlobals<{ apiUrl?: string }>().apiUrl !== undefined) {
        throw new CliError(
          '--api-url is for the client commands (users, tokens, ...); serve listens on --host and --port',
          2,
        );
      }
      const config = resolveServeConfig(rawSettings(flags, io.env));
      const data = startupData(flags, io);
      const studioServed = flags.studio !== false && io.env.TESSERA_STUDIO?.trim().toLowerCase() !== 'false';
      let tessera: RunningTessera;
      try {
        tessera = await startTessera({
          databaseUrl: config.databaseUrl,
          databasePoolSize: config.databasePoolSize,
          port: config.port,
          host: config.host,
          publicUrl: config.publicUrl,
          secretKey: config.secretKey,
          allowedRedirectOrigins: config.allowedRedirectOrigins,
          clerkAppOrigins: config.clerkAppOrigins,
          studio: studioServed,
          enableTestSessionTokens: config.enableTestSessionTokens,
          sessionTokenLifetimeSeconds: config.sessionTokenLifetimeSeconds,
          auditRetentionDays: config.auditRetentionDays,
          ...(data.seed && { seed: data.seed }),
          ...(data.sessionClaims && { sessionClaims: data.sessionClaims }),
          ...config.serverLimits,
          log: flags.quiet ? false : stdoutRequestLogger,
        });
      } catch (error) {
        if (error instanceof BootstrapError || error instanceof DatabaseError)
          throw new CliError(error.message, 2);
        const refusal = startupDataRefusal(error, data);
        if (refusal) throw refusal;
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(
            `port ${config.port} on ${config.host} is in use: pick another with --port or PORT`,
            2,
          );
        }
        throw error;
      }
      // Listening for the signals before saying it is ready: a SIGTERM sent on the banner stops it cleanly.
      const stopped = waitForSignal();
      const keyFile = secretKeyFileOf(config, io.cwd);
      if (tessera.created && keyFile && tessera.secretKey && !config.secretKey) {
        mkdirSync(dirname(keyFile), { recursive: true });
        writeFileSync(keyFile, `${tessera.secretKey}\n`, { mode: 0o600 });
        chmodSync(keyFile, 0o600);
      }
      io.stdout(await serveBanner(tessera, config, io.cwd, keyFile, { ...data, studio: studioServed }));
      await stopped;
      await tessera.close();
    });
}
