import { AGENT_TASK_LIMITS, type AgentTaskJSON, TICKET_STATUSES } from '@tessera/wire';
import { type Command, Option } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import type { FlagsOfFields } from '../api-refusal';
import type { CliIo } from '../io';
import { seconds } from '../options';
import { formatTime, printable, printJson, printTable } from '../output';
import { resolveOrganizationId } from '../resolve-organization';
import { listForUser } from '../resolve-user';
import { rangeOf } from '../token-kinds';

interface CreateOptions extends ApiOptions {
  readonly user: string;
  readonly agent: string;
  readonly task: string;
  readonly redirectUrl: string;
  readonly ttl?: string;
  readonly sessionDuration?: string;
  readonly org?: string;
}

const TASK_COLUMN_WIDTH = 40;

function shortened(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The flags of `agents tasks create`, by the API field each fills. */
function createFlags(options: CreateOptions): FlagsOfFields {
  const user = { flag: '--user', value: options.user };
  return {
    on_behalf_of: user,
    'on_behalf_of.user_id': user,
    'on_behalf_of.identifier': user,
    agent_name: { flag: '--agent', value: options.agent },
    task_description: { flag: '--task', value: options.task },
    redirect_url: { flag: '--redirect-url', value: options.redirectUrl },
    expires_in_seconds: { flag: '--ttl', value: options.ttl },
    session_max_duration_in_seconds: { flag: '--session-duration', value: options.sessionDuration },
    organization_id: { flag: '--org', value: options.org },
  };
}

function registerCreate(tasks: Command, io: CliIo): void {
  tasks
    .command('create')
    .description('let an agent act for a user: prints a one-time URL that signs the agent in as the user')
    .requiredOption('--user <id, email or username>', 'whom the agent acts for')
    .requiredOption('--agent <name>', 'the agent; the same name always maps to the same agent id (agt_...)')
    .requiredOption('--task <description>', 'what the agent is asked to do')
    .requiredOption('--redirect-url <url>', 'where the agent’s browser lands after sign-in')
    .option(
      '--session-duration <seconds>',
      `how long the session lasts, ${rangeOf('sessionMaxDurationInSeconds')} (default ${AGENT_TASK_LIMITS.sessionMaxDurationInSeconds.default})`,
    )
    .option(
      '--ttl <seconds>',
      `how long the URL can be opened, ${rangeOf('expiresInSeconds')} (default ${AGENT_TASK_LIMITS.expiresInSeconds.default})`,
    )
    .option('--org <id or slug>', 'the organization the session starts in (the user must be a member)')
    .option('--json', 'print the task as JSON (includes the token value)')
    .addHelpText(
      'after',
      [
        '',
        'The session and its JWTs name the agent (act claim: type "agent", sub agt_..., agent_name,',
        'task_id, permissions "*"), so your app can tell the agent from the user. The task is kept in',
        'the audit log. The URL goes alone to stdout; --json prints the whole task.',
        '',
        'Example:',
        '  $ tessera agents tasks create --user alice@example.com --agent "Invoice bot" \\',
        '      --task "Download the March invoices" --redirect-url http://localhost:3000/billing',
      ].join('\n'),
    )
    .action(async (options: CreateOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const ttl = seconds('--ttl', options.ttl, AGENT_TASK_LIMITS.expiresInSeconds);
      const duration = seconds(
        '--session-duration',
        options.sessionDuration,
        AGENT_TASK_LIMITS.sessionMaxDurationInSeconds,
      );
      const client = createApiClient(io, apiUrl);
      const organizationId =
        options.org === undefined ? undefined : await resolveOrganizationId(client, options.org);
      const task = await client.request<AgentTaskJSON>('POST', '/v1/agents/tasks', {
        body: {
          on_behalf_of: options.user.startsWith('user_')
            ? { user_id: options.user }
            : { identifier: options.user },
          permissions: '*',
          agent_name: options.agent,
          task_description: options.task,
          redirect_url: options.redirectUrl,
          ...(ttl !== undefined && { expires_in_seconds: ttl }),
          ...(duration !== undefined && { session_max_duration_in_seconds: duration }),
          ...(organizationId && { organization_id: organizationId }),
        },
        flags: createFlags(options),
      });
      if (options.json) return printJson(io, task);
      // The URL alone on stdout, for the agent's browser.
      io.stdout(`${task.url}\n`);
      io.stderr(
        `Agent task ${task.id}: "${printable(task.agent_name)}" (${task.agent_id}) acts for ${task.user_id}; single use, valid until ${formatTime(task.expires_at)}.\n`,
      );
    });
}

export function registerAgentCommands(program: Command, io: CliIo): void {
  const agents = program.command('agents').description('let agents act for users, one task at a time');
  const tasks = agents
    .command('tasks')
    .description('create, list and revoke agent tasks: one-time URLs that sign an agent in as a user');

  registerCreate(tasks, io);

  tasks
    .command('list')
    .description('list agent tasks, newest first')
    .option('--user <id, email or username>', 'only tasks acting for this user')
    .addOption(new Option('--status <status>', 'only tasks with this status').choices(TICKET_STATUSES))
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ tessera agents tasks list --user alice@example.com --status pending',
    )
    .action(
      async (options: ApiOptions & { user?: string; status?: string; limit: string }, command: Command) => {
        const { apiUrl } = command.optsWithGlobals<ApiOptions>();
        const list = await listForUser<AgentTaskJSON>(
          createApiClient(io, apiUrl),
          '/v1/agents/tasks',
          options,
        );
        if (options.json) return printJson(io, list);
        printTable(
          io,
          ['ID', 'AGENT', 'USER', 'STATUS', 'SESSION', 'EXPIRES', 'TASK'],
          list.map((task) => [
            task.id,
            task.agent_name,
            task.user_id,
            task.status,
            task.session_id ?? '-',
            formatTime(task.expires_at),
            shortened(task.task_description, TASK_COLUMN_WIDTH),
          ]),
          'No agent tasks.',
        );
      },
    );

  tasks
    .command('revoke')
    .description('revoke a pending agent task, so its URL no longer signs the agent in')
    .argument('<id>', 'the task id (agttsk_...)')
    .option('--json', 'print the task as JSON')
    .addHelpText('after', '\nExample:\n  $ tessera agents tasks revoke agttsk_2mXw9Qe4rT7yU1iO3pA5sD6fG8h')
    .action(async (id: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const task = await createApiClient(io, apiUrl).request<AgentTaskJSON>(
        'POST',
        `/v1/agents/tasks/${encodeURIComponent(id)}/revoke`,
      );
      if (options.json) printJson(io, task);
      else io.stdout(`Revoked ${task.id}\n`);
    });
}
