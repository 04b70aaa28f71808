import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ServeConfig } from '../config';
import { digestsEqual, sha256Hex } from '../core/secrets';
import type { RunningTessera } from '../tessera';
import { serializeUser } from '../users/serialize-user';
import { listUsers } from '../users/users-service';
import { DEFAULT_API_URL, SECRET_KEY_FILE } from './api-client';
import { printable } from './output';
import { userLabel } from './user-labels';

/** How a person outside this repository runs the CLI (inside it, the workspace resolves it too). */
const CLI = 'npx @tessera/server';

/** What the start was given besides the settings, shown when present. */
export interface BannerExtras {
  readonly seedFile: string | undefined;
  readonly sessionClaims: Record<string, unknown> | undefined;
  /** Studio is served (not `--no-studio`). */
  readonly studio?: boolean;
}

function describeDatabase(config: ServeConfig, cwd: string): string {
  const { database } = config;
  if (database.kind === 'postgres') {
    const url = new URL(database.url);
    return `postgres ${url.host}${url.pathname} (pool of ${database.poolSize})`;
  }
  if (database.path === ':memory:') return ':memory: (nothing is kept after exit)';
  return relative(cwd, database.path) || database.path;
}

/** The secret key in clear, if this start knows it: generated now, pinned, or in the key file. */
function knownSecretKey(tessera: RunningTessera, keyFile: string | undefined): string | undefined {
  if (tessera.secretKey) return tessera.secretKey;
  if (!keyFile) return undefined;
  try {
    const stored = readFileSync(keyFile, 'utf8').trim();
    return digestsEqual(sha256Hex(stored), tessera.context.secretKeyHash) ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Characters a shell takes as they are, inside or outside quotes. */
const SHELL_SAFE = /^[A-Za-z0-9@._+-]+$/;

/** The oldest user: its id, and how `--user` names it. */
interface ExistingUser {
  readonly id: string;
  readonly label: string;
}

/**
 * The oldest user, or undefined for an empty database. `label` is its email, else its username,
 * else its id; an identifier a shell would mangle (`o'brien@example.com`) gives way to the id.
 */
async function existingUser(tessera: RunningTessera): Promise<ExistingUser | undefined> {
  const [oldest] = await listUsers(tessera.context, {}, { limit: 1, order_by: '+created_at' });
  if (oldest === undefined) return undefined;
  const label = userLabel(serializeUser(oldest));
  return { id: oldest.id, label: SHELL_SAFE.test(label) ? label : oldest.id };
}

/**
 * The lines that try the server: a user (made now, or one the database holds), a token, its URL. A
 * production instance refuses test session tokens unless told otherwise: it gets a sign-in token,
 * which names its user by id only (so curl is shown when the id is known).
 */
function tryIt(
  tessera: RunningTessera,
  user: ExistingUser | undefined,
  cliEnv: string,
  bearer: string,
): string[] {
  const { environment, settings } = tessera.context;
  const testTokens = environment !== 'production' || settings.testSessionTokensEnabled;
  const token = testTokens ? 'test session token' : 'sign-in token';
  const kindFlag = testTokens ? '' : ' --kind sign-in';
  const curl = (path: string, body: unknown) =>
    `  curl -s ${tessera.url}${path} -H "Authorization: Bearer ${bearer}" -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;
  const signsIn =
    'that signs the browser in as them (the url works once). With the CLI, which prints the url:';
  if (user === undefined) {
    return [
      `Try it: create a user, then a ${token} for them, and open the token's url in a browser:`,
      signsIn,
      `  ${cliEnv}${CLI} users create --email alice@example.com`,
      `  ${cliEnv}${CLI} tokens create${kindFlag} --user alice@example.com`,
      ...(testTokens
        ? [
            'Or with curl:',
            curl('/v1/users', { email_address: ['alice@example.com'] }),
            curl('/v1/test_session_tokens', { identifier: 'alice@example.com' }),
          ]
        : []),
    ];
  }
  return [
    `Try it: create a ${token} for ${user.label}, a user already in the database, and open its url in a browser:`,
    signsIn,
    `  ${cliEnv}${CLI} tokens create${kindFlag} --user ${user.label}`,
    'Or with curl:',
    testTokens
      ? curl(
          '/v1/test_session_tokens',
          user.label === user.id ? { user_id: user.id } : { identifier: user.label },
        )
      : curl('/v1/sign_in_tokens', { user_id: user.id }),
  ];
}

/**
 * What `tessera serve` prints once it listens: where it is, its keys (a generated key only on the
 * start that made it), and commands to try it that are right for this database and key.
 */
export async function serveBanner(
  tessera: RunningTessera,
  config: ServeConfig,
  cwd: string,
  keyFile: string | undefined,
  extras: BannerExtras,
): Promise<string> {
  const secretKey = knownSecretKey(tessera, keyFile);
  const keyFileShown = keyFile ? relative(cwd, keyFile) || keyFile : undefined;
  // A key is printed once, on the start that generated it; a pinned or stored key is only referred to.
  const generatedNow = tessera.created && !config.secretKey;
  const keyLine = config.secretKey
    ? 'from TESSERA_SECRET_KEY (not shown)'
    : generatedNow
      ? secretKey
      : secretKey && keyFileShown
        ? `in ${keyFileShown}`
        : `not shown (only its hash is stored; it was printed on first start${keyFileShown ? ` and saved to ${keyFileShown}` : ''})`;
  const bearer = config.secretKey
    ? '$TESSERA_SECRET_KEY'
    : keyFileShown && secretKey
      ? `$(cat ${keyFileShown})`
      : generatedNow && secretKey
        ? secretKey
        : 'sk_test_...';
  // The CLI finds the server at the default URL and the key in ./.tessera/secret-key (or the
  // environment): anything else goes in front of its commands.
  const cliReadsKey =
    config.secretKey !== undefined ||
    (keyFile !== undefined && resolve(cwd, keyFile) === resolve(cwd, SECRET_KEY_FILE));
  const cliEnv = [
    ...(tessera.url === DEFAULT_API_URL ? [] : [`TESSERA_API_URL=${tessera.url} `]),
    ...(cliReadsKey ? [] : [`TESSERA_SECRET_KEY=${bearer} `]),
  ].join('');
  const lines = [
    `tessera is ready at ${tessera.url} (${tessera.environment} instance ${tessera.instanceId})`,
    `  database         ${describeDatabase(config, cwd)}`,
    `  secret key       ${keyLine}`,
    ...(tessera.created && keyFileShown && !config.secretKey
      ? [`                   saved to ${keyFileShown} (mode 0600) for the CLI`]
      : []),
    `  publishable key  ${tessera.publishableKey}`,
    `  JWKS             ${tessera.publicUrl}/.well-known/jwks.json`,
    ...(extras.studio
      ? [`  Studio           ${tessera.publicUrl}/ (the web page: users, sign in as, audit log)`]
      : []),
    ...(extras.seedFile ? [`  seed             ${printable(extras.seedFile)} applied`] : []),
    ...(extras.sessionClaims
      ? [`  session claims   ${printable(JSON.stringify(extras.sessionClaims))} in every session JWT`]
      : []),
    ...(config.clerkAppOrigins.length > 0
      ? [
          `  Clerk apps       ${config.clerkAppOrigins.join(', ')}: tickets land through Clerk's handshake`,
          `                   their env: CLERK_SECRET_KEY=${bearer} CLERK_PUBLISHABLE_KEY=${tessera.publishableKey}`,
          `                   CLERK_API_URL=${tessera.publicUrl} CLERK_FAPI_URL=${tessera.publicUrl}`,
        ]
      : []),
    '',
    ...tryIt(tessera, await existingUser(tessera), cliEnv, bearer),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
