import type { UserJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiClient, type ApiOptions, createApiClient } from '../api-client';
import type { FlagsOfFields } from '../api-refusal';
import { CliError, type CliIo } from '../io';
import { jsonObjectOption } from '../options';
import { formatTime, printable, printJson, printTable } from '../output';
import { resolveUserId } from '../resolve-user';

function primaryEmail(user: UserJSON): string {
  return (
    user.email_addresses.find((email) => email.id === user.primary_email_address_id)?.email_address ?? '-'
  );
}

interface CreateOptions extends ApiOptions {
  readonly email?: string[];
  readonly username?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly externalId?: string;
}

interface UpdateOptions extends ApiOptions {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly password?: string;
  readonly skipPasswordChecks?: boolean;
  readonly metadata?: string;
  readonly privateMetadata?: string;
  readonly unsafeMetadata?: string;
  readonly replaceMetadata?: boolean;
}

/** The body of `PATCH /v1/users/{id}`: each flag given, `''` clearing a name or the username. */
function profileChanges(options: UpdateOptions): Record<string, unknown> {
  const orNull = (value: string) => (value === '' ? null : value);
  if (options.skipPasswordChecks && options.password === undefined)
    throw new CliError('--skip-password-checks goes with --password', 2);
  return {
    ...(options.firstName !== undefined && { first_name: orNull(options.firstName) }),
    ...(options.lastName !== undefined && { last_name: orNull(options.lastName) }),
    ...(options.username !== undefined && { username: orNull(options.username) }),
    ...(options.password !== undefined && { password: options.password }),
    ...(options.skipPasswordChecks && { skip_password_checks: true }),
  };
}

/** The body of the metadata endpoint: each metadata flag given, as a JSON object. */
function metadataChanges(options: UpdateOptions): Record<string, unknown> {
  const flags = [
    ['--metadata', 'public_metadata', options.metadata],
    ['--private-metadata', 'private_metadata', options.privateMetadata],
    ['--unsafe-metadata', 'unsafe_metadata', options.unsafeMetadata],
  ] as const;
  const changes = Object.fromEntries(
    flags.flatMap(([flag, field, raw]) => (raw === undefined ? [] : [[field, jsonObjectOption(flag, raw)]])),
  );
  if (options.replaceMetadata && Object.keys(changes).length === 0)
    throw new CliError('--replace-metadata needs --metadata, --private-metadata or --unsafe-metadata', 2);
  return changes;
}

/** The flags of `users update`, by the API field each fills. */
function updateFlags(options: UpdateOptions): FlagsOfFields {
  return {
    first_name: { flag: '--first-name', value: options.firstName },
    last_name: { flag: '--last-name', value: options.lastName },
    username: { flag: '--username', value: options.username },
    password: { flag: '--password', secret: true },
    skip_password_checks: { flag: '--skip-password-checks' },
    public_metadata: { flag: '--metadata', value: options.metadata },
    private_metadata: { flag: '--private-metadata', value: options.privateMetadata },
    unsafe_metadata: { flag: '--unsafe-metadata', value: options.unsafeMetadata },
  };
}

/** Profile first, then metadata: two requests, and a failure of the second says the first was saved. */
async function updateUser(
  client: ApiClient,
  userId: string,
  profile: Record<string, unknown>,
  metadata: Record<string, unknown>,
  options: UpdateOptions,
): Promise<UserJSON> {
  const path = `/v1/users/${encodeURIComponent(userId)}`;
  const flags = updateFlags(options);
  let user: UserJSON | undefined;
  if (Object.keys(profile).length > 0)
    user = await client.request<UserJSON>('PATCH', path, { body: profile, flags });
  if (Object.keys(metadata).length === 0) return user as UserJSON;
  const method = options.replaceMetadata ? 'PUT' : 'PATCH';
  try {
    return await client.request<UserJSON>(method, `${path}/metadata`, { body: metadata, flags });
  } catch (error) {
    if (user === undefined || !(error instanceof CliError)) throw error;
    throw new CliError(`the other changes were saved, the metadata was not: ${error.message}`);
  }
}

function registerUpdate(users: Command, io: CliIo): void {
  users
    .command('update')
    .description('change a user’s names, username, password or metadata')
    .argument('<user>', 'user id, email address or username')
    .option('--first-name <name>', 'first name ("" clears it)')
    .option('--last-name <name>', 'last name ("" clears it)')
    .option('--username <name>', 'username ("" clears it)')
    .option('--password <password>', 'a new password (8 characters at least)')
    .option('--skip-password-checks', 'with --password: accept a password shorter than 8 characters')
    .option('--metadata <json>', 'public metadata, a JSON object deep-merged into the user’s')
    .option('--private-metadata <json>', 'private metadata, deep-merged likewise')
    .option('--unsafe-metadata <json>', 'unsafe metadata, deep-merged likewise')
    .option('--replace-metadata', 'replace each metadata given instead of merging ({} clears it)')
    .option('--json', 'print the user as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Metadata merges: nested objects merge, and a key set to null is removed. Only the metadata',
        'given changes. A password on the command line stays in your shell history: use it for test users.',
        '',
        'Examples:',
        '  $ tessera users update alice@example.com --first-name Alice --last-name Liddell',
        '  $ tessera users update alice --metadata \'{"plan":"pro","trial":null}\'',
        "  $ tessera users update alice --private-metadata '{}' --replace-metadata",
      ].join('\n'),
    )
    .action(async (user: string, options: UpdateOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const profile = profileChanges(options);
      const metadata = metadataChanges(options);
      if (Object.keys(profile).length === 0 && Object.keys(metadata).length === 0)
        throw new CliError(
          'nothing to update: give --first-name, --last-name, --username, --password or a metadata flag (see --help)',
          2,
        );
      const client = createApiClient(io, apiUrl);
      const userId = await resolveUserId(client, user);
      const updated = await updateUser(client, userId, profile, metadata, options);
      if (options.json) return printJson(io, updated);
      const changed = [
        ...Object.keys(profile)
          .filter((field) => field !== 'skip_password_checks')
          .map((field) => field.replace('_', ' ')),
        ...Object.keys(metadata).map((field) => field.replace('_', ' ')),
      ];
      const how =
        Object.keys(metadata).length === 0 ? '' : options.replaceMetadata ? ' (replaced)' : ' (merged)';
      io.stdout(
        `Updated user ${updated.id} (${printable(identifierOf(updated))}): ${changed.join(', ')}${how}\n`,
      );
    });
}

function identifierOf(user: UserJSON): string {
  const email = primaryEmail(user);
  return email !== '-' ? email : (user.username ?? 'no identifier');
}

export function registerUserCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('create, list and update users');

  users
    .command('create')
    .description('create a user (a fixture to sign in as); give --email or --username')
    .option('--email <address...>', 'email address(es); the first is primary')
    .option('--username <name>', 'username (letters, digits, "_", "." or "-")')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--external-id <id>', 'your own id for this user')
    .option('--json', 'print the user as JSON')
    .action(async (options: CreateOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      // The API takes a user with no identifier; typed here, it is a slip: one found only by its id.
      if (!options.email?.length && !options.username)
        throw new CliError('users create needs --email or --username (or both); nothing was created', 2);
      const user = await createApiClient(io, apiUrl).request<UserJSON>('POST', '/v1/users', {
        body: {
          ...(options.email && { email_address: options.email }),
          ...(options.username && { username: options.username }),
          ...(options.firstName && { first_name: options.firstName }),
          ...(options.lastName && { last_name: options.lastName }),
          ...(options.externalId && { external_id: options.externalId }),
        },
        flags: {
          email_address: { flag: '--email', value: options.email },
          username: { flag: '--username', value: options.username },
          first_name: { flag: '--first-name', value: options.firstName },
          last_name: { flag: '--last-name', value: options.lastName },
          external_id: { flag: '--external-id', value: options.externalId },
        },
      });
      if (options.json) printJson(io, user);
      else io.stdout(`Created user ${user.id} (${printable(identifierOf(user))})\n`);
    });

  users
    .command('list')
    .description('list users, newest first')
    .option('--email <address>', 'only the user with this email address')
    .option('--query <text>', 'match part of an id, email, username or name')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .action(
      async (options: ApiOptions & { email?: string; query?: string; limit: string }, command: Command) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const list = await createApiClient(io, apiUrl).request<UserJSON[]>('GET', '/v1/users', {
          query: { email_address: options.email, query: options.query, limit: options.limit },
        });
        if (options.json) return printJson(io, list);
        printTable(
          io,
          ['ID', 'EMAIL', 'USERNAME', 'BANNED', 'CREATED'],
          list.map((user) => [
            user.id,
            primaryEmail(user),
            user.username ?? '-',
            user.banned ? 'yes' : 'no',
            formatTime(user.created_at),
          ]),
          'No users yet. Create one with `tessera users create --email alice@example.com`.',
        );
      },
    );

  registerUpdate(users, io);
}
