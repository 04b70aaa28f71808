import {
  type ActorTokenJSON,
  type SignInTokenJSON,
  type TestSessionTokenJSON,
  TICKET_STATUSES,
} from '@tessera/wire';
import { type Command, Option } from 'commander';
import { type ApiClient, type ApiOptions, createApiClient } from '../api-client';
import type { FlagsOfFields } from '../api-refusal';
import { claimsOption } from '../claims-option';
import { CliError, type CliIo } from '../io';
import { jsonObjectOption, seconds } from '../options';
import { formatTime, printable, printJson, printTable } from '../output';
import { resolveOrganizationId } from '../resolve-organization';
import { listForUser, resolveUserId } from '../resolve-user';
import {
  defaultsOf,
  kindToRevoke,
  rangeOf,
  TOKEN_KIND_NAMES,
  TOKEN_KINDS,
  type TokenKind,
} from '../token-kinds';
import { userLabels } from '../user-labels';

type AnyToken = TestSessionTokenJSON | SignInTokenJSON | ActorTokenJSON;

interface CreateOptions extends ApiOptions {
  readonly kind: TokenKind;
  readonly user: string;
  readonly actor?: string;
  readonly actorJson?: string;
  readonly redirectUrl?: string;
  readonly ttl?: string;
  readonly sessionDuration?: string;
  readonly org?: string;
  readonly claims?: string;
}

const kindOption = (description: string) =>
  new Option('--kind <kind>', description).choices(TOKEN_KIND_NAMES);

/** The acting party of an actor token, checked before anything is sent. */
function actorOf(options: CreateOptions): Record<string, unknown> | undefined {
  if (options.kind !== 'actor') {
    if (options.actor !== undefined || options.actorJson !== undefined) {
      throw new CliError('--actor and --actor-json are only for --kind actor', 2);
    }
    return undefined;
  }
  if (options.actor === undefined) {
    throw new CliError('--kind actor needs --actor <sub>: who acts, e.g. --actor support@example.com', 2);
  }
  const extra = options.actorJson === undefined ? {} : jsonObjectOption('--actor-json', options.actorJson);
  if ('sub' in extra) throw new CliError('--actor-json must not hold "sub": give it with --actor', 2);
  return { ...extra, sub: options.actor };
}

/** Test session tokens take an email or username themselves; the other kinds take only `user_id`. */
async function userParams(client: ApiClient, kind: TokenKind, user: string) {
  if (kind !== 'test-session') return { user_id: await resolveUserId(client, user) };
  return user.startsWith('user_') ? { user_id: user } : { identifier: user };
}

/** Custom claims are for test session tokens only, checked before anything is sent. */
function claimsOf(options: CreateOptions, cwd: string): Record<string, unknown> | undefined {
  if (options.claims === undefined) return undefined;
  if (options.kind !== 'test-session') throw new CliError('--claims is only for --kind test-session', 2);
  return claimsOption('--claims', options.claims, cwd);
}

/** The flags of `tokens create`, by the API field each fills. */
function createFlags(options: CreateOptions): FlagsOfFields {
  const user = { flag: '--user', value: options.user };
  return {
    user_id: user,
    identifier: user,
    'actor.sub': { flag: '--actor', value: options.actor },
    actor: { flag: '--actor-json', value: options.actorJson },
    organization_id: { flag: '--org', value: options.org },
    claims: { flag: '--claims', value: options.claims },
    redirect_url: { flag: '--redirect-url', value: options.redirectUrl },
    expires_in_seconds: { flag: '--ttl', value: options.ttl },
    session_max_duration_in_seconds: { flag: '--session-duration', value: options.sessionDuration },
  };
}

function describeCreated(kind: TokenKind, token: AnyToken): string {
  const validity = `single use, valid until ${formatTime(token.expires_at)}.`;
  const inOrg = token.organization_id ? ` in ${token.organization_id}` : '';
  if (kind === 'actor' && 'actor' in token) {
    const sub = typeof token.actor.sub === 'string' ? token.actor.sub : '?';
    return `Actor token ${token.id}: "${printable(sub)}" acts as ${token.user_id}${inOrg}; ${validity}`;
  }
  return `${TOKEN_KINDS[kind].label} ${token.id} for ${token.user_id}${inOrg}: ${validity}`;
}

function registerCreate(tokens: Command, io: CliIo): void {
  tokens
    .command('create')
    .description('create a token; prints its one-time URL (open it to be signed in)')
    .addOption(kindOption('what the URL does (see Kinds below)').default('test-session'))
    .requiredOption('--user <id, email or username>', 'who to sign in as')
    .option('--actor <sub>', 'with --kind actor: who acts (their id or email), kept in the JWT’s act claim')
    .option('--actor-json <json>', 'with --kind actor: more keys of the actor, as a JSON object')
    .option('--redirect-url <url>', 'where the browser lands after sign-in')
    .option(
      '--ttl <seconds>',
      `how long the URL can be opened, ${rangeOf('expiresInSeconds')} (default: ${defaultsOf('expiresInSeconds')})`,
    )
    .option(
      '--session-duration <seconds>',
      `how long the session lasts, ${rangeOf('sessionMaxDurationInSeconds')} (default: ${defaultsOf('sessionMaxDurationInSeconds')})`,
    )
    .option('--org <id or slug>', 'the organization the session starts in (the user must be a member)')
    .option(
      '--claims <json|@file>',
      'with --kind test-session: custom claims in this session’s JWTs, over the instance’s template',
    )
    .option('--json', 'print the token as JSON (includes the token value)')
    .addHelpText(
      'after',
      [
        '',
        'Kinds:',
        '  test-session  a sign-in for tests; the session is marked as one (act: { type: "test_session_token" })',
        '  sign-in       a magic link to send the user; an ordinary session of theirs',
        "  actor         impersonation: the session is the user's, acted by --actor (the JWT's act claim)",
        '',
        'The URL goes alone to stdout, a line about the token to stderr; --json prints the whole token.',
        '',
        'Examples:',
        '  $ tessera tokens create --user alice@example.com',
        '  $ open "$(tessera tokens create --user alice --redirect-url http://localhost:3000/)"',
        '  $ tessera tokens create --kind sign-in --user alice@example.com --ttl 86400',
        '  $ tessera tokens create --kind actor --user alice --actor support@example.com \\',
        '      --actor-json \'{"name":"Support"}\'',
        '  $ tessera tokens create --user alice --org acme --claims \'{"plan":"pro"}\'',
      ].join('\n'),
    )
    .action(async (options: CreateOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const actor = actorOf(options);
      const { limits } = TOKEN_KINDS[options.kind];
      const ttl = seconds('--ttl', options.ttl, limits.expiresInSeconds);
      const duration = seconds(
        '--session-duration',
        options.sessionDuration,
        limits.sessionMaxDurationInSeconds,
      );
      const claims = claimsOf(options, io.cwd);
      const client = createApiClient(io, apiUrl);
      const organizationId =
        options.org === undefined ? undefined : await resolveOrganizationId(client, options.org);
      const token = await client.request<AnyToken>('POST', TOKEN_KINDS[options.kind].path, {
        body: {
          ...(await userParams(client, options.kind, options.user)),
          ...(actor && { actor }),
          ...(organizationId && { organization_id: organizationId }),
          ...(claims && { claims }),
          ...(options.redirectUrl && { redirect_url: options.redirectUrl }),
          ...(ttl !== undefined && { expires_in_seconds: ttl }),
          ...(duration !== undefined && { session_max_duration_in_seconds: duration }),
        },
        flags: createFlags(options),
      });
      if (options.json) return printJson(io, token);
      // The URL alone on stdout, so `open "$(tessera tokens create --user ...)"` works.
      io.stdout(`${token.url}\n`);
      io.stderr(`${describeCreated(options.kind, token)}\n`);
    });
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program
    .command('tokens')
    .description('create, list and revoke one-time sign-in URLs: test session, sign-in and actor tokens');

  registerCreate(tokens, io);

  tokens
    .command('list')
    .description('list tokens of one kind, newest first')
    .addOption(kindOption('which kind to list').default('test-session'))
    .option('--user <id, email or username>', 'only this user’s tokens')
    .addOption(new Option('--status <status>', 'only tokens with this status').choices(TICKET_STATUSES))
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tessera tokens list --kind actor --user alice@example.com\n  $ tessera tokens list --status pending --json',
    )
    .action(
      async (
        options: ApiOptions & { kind: TokenKind; user?: string; status?: string; limit: string },
        command: Command,
      ) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const kind = TOKEN_KINDS[options.kind];
        const client = createApiClient(io, apiUrl);
        const list = await listForUser<AnyToken>(client, kind.path, options);
        if (options.json) return printJson(io, list);
        const who = await userLabels(
          client,
          list.map((token) => token.user_id),
        );
        const actorColumn = options.kind === 'actor';
        printTable(
          io,
          ['ID', 'USER', ...(actorColumn ? ['ACTOR'] : []), 'STATUS', 'SESSION', 'EXPIRES'],
          list.map((token) => [
            token.id,
            who.get(token.user_id) ?? token.user_id,
            ...(actorColumn ? ['actor' in token ? String(token.actor.sub ?? '-') : '-'] : []),
            token.status,
            token.session_id ?? '-',
            formatTime(token.expires_at),
          ]),
          `No ${kind.plural}.`,
        );
      },
    );

  tokens
    .command('revoke')
    .description('revoke a pending token, so its URL no longer signs in; the kind comes from the id’s prefix')
    .argument('<id>', 'the token id (tst_..., sit_... or act_...)')
    .addOption(kindOption('the token’s kind (default: from the id’s prefix)'))
    .option('--json', 'print the token as JSON')
    .addHelpText('after', '\nExample:\n  $ tessera tokens revoke sit_2mXw9Qe4rT7yU1iO3pA5sD6fG8h')
    .action(async (id: string, options: ApiOptions & { kind?: TokenKind }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const kind = TOKEN_KINDS[kindToRevoke(id, options.kind)];
      const token = await createApiClient(io, apiUrl).request<AnyToken>(
        'POST',
        `${kind.path}/${encodeURIComponent(id)}/revoke`,
      );
      if (options.json) printJson(io, token);
      else io.stdout(`Revoked ${token.id}\n`);
    });
}
