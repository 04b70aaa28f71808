import type { TestSessionTokenJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import { CliError, type CliIo } from '../io';
import { formatTime, printJson, printTable } from '../output';
import { listForUser } from '../resolve-user';

function seconds(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`${option} must be a whole number of seconds (got "${raw}")`, 2);
  return Number(raw);
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program.command('tokens').description('create, list and revoke test session tokens');

  tokens
    .command('create')
    .description('create a test session token; prints its one-time URL (open it to be signed in)')
    .requiredOption('--user <id, email or username>', 'who to sign in as')
    .option('--redirect-url <url>', 'where the browser lands after sign-in')
    .option('--ttl <seconds>', 'how long the URL can be opened (default 600)')
    .option('--session-duration <seconds>', 'how long the session lasts (default 1800)')
    .option('--json', 'print the token as JSON (includes the token value)')
    .action(
      async (
        options: ApiOptions & { user: string; redirectUrl?: string; ttl?: string; sessionDuration?: string },
        command: Command,
      ) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const ttl = seconds('--ttl', options.ttl);
        const duration = seconds('--session-duration', options.sessionDuration);
        const token = await createApiClient(io, apiUrl).request<TestSessionTokenJSON>(
          'POST',
          '/v1/test_session_tokens',
          {
            body: {
              ...(options.user.startsWith('user_')
                ? { user_id: options.user }
                : { identifier: options.user }),
              ...(options.redirectUrl && { redirect_url: options.redirectUrl }),
              ...(ttl !== undefined && { expires_in_seconds: ttl }),
              ...(duration !== undefined && { session_max_duration_in_seconds: duration }),
            },
          },
        );
        if (options.json) return printJson(io, token);
        // The URL alone on stdout, so `open "$(tessera tokens create --user ...)"` works.
        io.stdout(`${token.url}\n`);
        io.stderr(
          `Test session token ${token.id} for ${token.user_id}: single use, valid until ${formatTime(token.expires_at)}.\n`,
        );
      },
    );

  tokens
    .command('list')
    .description('list test session tokens, newest first')
    .option('--user <id, email or username>', 'only this user’s tokens')
    .option('--status <status>', 'pending, accepted or revoked')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .action(
      async (options: ApiOptions & { user?: string; status?: string; limit: string }, command: Command) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const list = await listForUser<TestSessionTokenJSON>(
          createApiClient(io, apiUrl),
          '/v1/test_session_tokens',
          options,
        );
        if (options.json) return printJson(io, list);
        printTable(
          io,
          ['ID', 'USER', 'STATUS', 'SESSION', 'EXPIRES'],
          list.map((token) => [
            token.id,
            token.user_id,
            token.status,
            token.session_id ?? '-',
            formatTime(token.expires_at),
          ]),
          'No test session tokens.',
        );
      },
    );

  tokens
    .command('revoke')
    .description('revoke a pending test session token')
    .argument('<id>', 'the token id (tst_...)')
    .option('--json', 'print the token as JSON')
    .action(async (id: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const token = await createApiClient(io, apiUrl).request<TestSessionTokenJSON>(
        'POST',
        `/v1/test_session_tokens/${encodeURIComponent(id)}/revoke`,
      );
      if (options.json) printJson(io, token);
      else io.stdout(`Revoked ${token.id}\n`);
    });
}
