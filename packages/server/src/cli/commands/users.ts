import type { UserJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import type { CliIo } from '../io';
import { formatTime, printable, printJson, printTable } from '../output';

function primaryEmail(user: UserJSON): string {
  return (
    user.email_addresses.find((email) => email.id === user.primary_email_address_id)?.email_address ?? '-'
  );
}

export function registerUserCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('create and list users');

  users
    .command('create')
    .description('create a user (a fixture to sign in as)')
    .option('--email <address...>', 'email address(es); the first is primary')
    .option('--username <name>', 'username (letters, digits, "_", "." or "-")')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--external-id <id>', 'your own id for this user')
    .option('--json', 'print the user as JSON')
    .action(
      async (
        options: ApiOptions & {
          email?: string[];
          username?: string;
          firstName?: string;
          lastName?: string;
          externalId?: string;
        },
        command: Command,
      ) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const user = await createApiClient(io, apiUrl).request<UserJSON>('POST', '/v1/users', {
          body: {
            ...(options.email && { email_address: options.email }),
            ...(options.username && { username: options.username }),
            ...(options.firstName && { first_name: options.firstName }),
            ...(options.lastName && { last_name: options.lastName }),
            ...(options.externalId && { external_id: options.externalId }),
          },
        });
        if (options.json) printJson(io, user);
        else
          io.stdout(
            `Created user ${user.id} (${printable(primaryEmail(user) !== '-' ? primaryEmail(user) : (user.username ?? 'no identifier'))})\n`,
          );
      },
    );

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
}
