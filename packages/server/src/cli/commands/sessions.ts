import type { SessionJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import type { CliIo } from '../io';
import { formatTime, printJson, printTable } from '../output';
import { listForUser } from '../resolve-user';

export function registerSessionCommands(program: Command, io: CliIo): void {
  const sessions = program.command('sessions').description('list and revoke sessions');

  sessions
    .command('list')
    .description('list sessions, newest first')
    .option('--user <id, email or username>', 'only this user’s sessions')
    .option('--status <status>', 'active, revoked, ended or expired')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .action(
      async (options: ApiOptions & { user?: string; status?: string; limit: string }, command: Command) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const list = await listForUser<SessionJSON>(createApiClient(io, apiUrl), '/v1/sessions', options);
        if (options.json) return printJson(io, list);
        printTable(
          io,
          ['ID', 'USER', 'STATUS', 'ACTOR', 'EXPIRES'],
          list.map((session) => [
            session.id,
            session.user_id,
            session.status,
            typeof session.actor?.sub === 'string' ? session.actor.sub : '-',
            formatTime(session.expire_at),
          ]),
          'No sessions.',
        );
      },
    );

  sessions
    .command('revoke')
    .description('revoke an active session')
    .argument('<id>', 'the session id (sess_...)')
    .option('--json', 'print the session as JSON')
    .action(async (id: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const session = await createApiClient(io, apiUrl).request<SessionJSON>(
        'POST',
        `/v1/sessions/${encodeURIComponent(id)}/revoke`,
      );
      if (options.json) printJson(io, session);
      else io.stdout(`Revoked ${session.id}\n`);
    });
}
