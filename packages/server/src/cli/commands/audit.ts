import { AUDIT_EVENT_TYPES, type AuditActorJSON, type AuditEventJSON } from '@tessera/wire';
import { type Command, Option } from 'commander';
import { type ApiClient, type ApiOptions, createApiClient } from '../api-client';
import { AuditCursor, type AuditQuery, auditEventsFrom, followAuditEvents } from '../audit-follow';
import { CliError, type CliIo } from '../io';
import { limit, pointInTime } from '../options';
import { formatTime, printJson, printJsonLine, printTable, tableLine } from '../output';
import { resolveUserId } from '../resolve-user';

interface ListOptions extends ApiOptions {
  readonly user?: string;
  readonly type?: string;
  readonly ticket?: string;
  readonly session?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit: string;
  readonly follow?: boolean;
}

const HEADERS = ['TIME', 'TYPE', 'ACTOR', 'USER', 'TICKET/SESSION', 'REASON'] as const;
/** Column widths while following: rows printed one by one cannot be aligned on what comes later. */
const FOLLOW_WIDTHS = [20, 23, 16, 32, 34, 0] as const;

function actorLabel(actor: AuditActorJSON): string {
  if (actor.type === 'agent') return `agent ${actor.name ?? actor.id ?? '?'}`;
  if (actor.type === 'actor') return `actor ${actor.id ?? '?'}`;
  return actor.type;
}

function rowOf(event: AuditEventJSON): string[] {
  const about = [event.ticket_id, event.session_id].filter((id) => id !== null).join('/');
  return [
    formatTime(event.created_at),
    event.type,
    actorLabel(event.actor),
    event.user_id ?? '-',
    about || '-',
    event.reason ?? '-',
  ];
}

/** The newest `count` events matching the query, oldest first, as `--follow` starts with them. */
async function latest(client: ApiClient, query: AuditQuery, count: number): Promise<AuditEventJSON[]> {
  const page = await client.request<AuditEventJSON[]>('GET', '/v1/audit_events', {
    query: { ...query, order_by: '-created_at', limit: String(count) },
  });
  return page.reverse();
}

/**
 * The cursor after the events shown first. When they fill the page, more events may share the
 * newest one's millisecond: those are older than what follows, so they are marked as seen too.
 */
async function cursorAfter(
  client: ApiClient,
  query: AuditQuery,
  shown: AuditEventJSON[],
  count: number,
  since: number | undefined,
): Promise<AuditCursor> {
  const cursor = new AuditCursor(since, shown);
  const at = cursor.from;
  if (shown.length === count && at !== undefined) {
    cursor.take(await auditEventsFrom(client, query, at, at + 1));
  }
  return cursor;
}

async function listAudit(io: CliIo, options: ListOptions, apiUrl: string | undefined): Promise<void> {
  if (options.follow && options.until !== undefined) {
    throw new CliError('--until and --follow do not go together: following never ends by itself', 2);
  }
  const count = limit(options.limit);
  const now = io.now();
  const since = options.since === undefined ? undefined : pointInTime('--since', options.since, now);
  const until = options.until === undefined ? undefined : pointInTime('--until', options.until, now);
  const client = createApiClient(io, apiUrl);
  const query: AuditQuery = {
    user_id: options.user === undefined ? undefined : await resolveUserId(client, options.user),
    type: options.type,
    ticket_id: options.ticket,
    session_id: options.session,
  };
  const range: AuditQuery = {
    // Both ends inclusive: the API's bounds are exclusive.
    ...(since !== undefined && { created_after: String(Math.max(0, since - 1)) }),
    ...(until !== undefined && { created_before: String(until + 1) }),
  };

  if (!options.follow) {
    const events = await client.request<AuditEventJSON[]>('GET', '/v1/audit_events', {
      query: { ...query, ...range, limit: String(count) },
    });
    if (options.json) return printJson(io, events);
    return printTable(io, HEADERS, events.map(rowOf), 'No audit events.');
  }

  const shown = await latest(client, { ...query, ...range }, count);
  const cursor = await cursorAfter(client, query, shown, count, since);
  const print = options.json
    ? (event: AuditEventJSON) => printJsonLine(io, event)
    : (event: AuditEventJSON) => io.stdout(`${tableLine(rowOf(event), FOLLOW_WIDTHS)}\n`);
  if (!options.json) io.stdout(`${tableLine(HEADERS, FOLLOW_WIDTHS)}\n`);
  for (const event of shown) print(event);
  io.stderr('Following the audit log; new events appear as they happen. Ctrl-C stops.\n');
  await followAuditEvents(client, io, query, cursor, print);
}

export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program
    .command('audit')
    .description('read the audit log: who issued, accepted and revoked tickets and sessions, and when');

  audit
    .command('list')
    .description('list audit events, newest first, or follow them as they happen (--follow)')
    .option('--user <id, email or username>', 'only events about this user')
    .addOption(new Option('--type <type>', 'only events of this type').choices(AUDIT_EVENT_TYPES))
    .option('--ticket <id>', 'only events about this ticket (tst_, sit_, act_ or agttsk_ id)')
    .option('--session <id>', 'only events about this session (sess_ id)')
    .option(
      '--since <time>',
      'only events from this time on: ISO (2025-01-15T12:00:00Z) or ago (15m, 2h, 7d)',
    )
    .option('--until <time>', 'only events up to this time, in the same forms as --since')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('-f, --follow', 'keep printing new events as they happen, until Ctrl-C')
    .option('--json', 'print JSON (with --follow: one event per line)')
    .addHelpText(
      'after',
      [
        '',
        'ACTOR is who did it: cli (this CLI), secret_key (another client of the API), ticket_holder',
        '(whoever opened a ticket URL), actor <sub> or agent <name> (accepting their ticket), or system',
        '(tessera itself: expiry, a redirect no longer allowed). REASON says why something was refused.',
        '',
        'With --follow, the latest --limit events are printed oldest first, then each new one as it',
        'comes, until Ctrl-C.',
        '',
        'Examples:',
        '  $ tessera audit list --user alice@example.com --since 2h',
        '  $ tessera audit list --type ticket.accept_failed --since 7d',
        '  $ tessera audit list --ticket act_2mXw9Qe4rT7yU1iO3pA5sD6fG8h --json',
        '  $ tessera audit list --follow',
        '  $ tessera audit list --follow --json | jq -r .type',
      ].join('\n'),
    )
    .action(async (options: ListOptions, command: Command) => {
      await listAudit(io, options, command.optsWithGlobals<ApiOptions>().apiUrl);
    });
}
