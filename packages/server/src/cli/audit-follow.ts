import type { AuditEventJSON } from '@tessera/wire';
import type { ApiClient } from './api-client';
import type { CliIo } from './io';

/** The filters of `GET /v1/audit_events` as query parameters. */
export type AuditQuery = Readonly<Record<string, string | undefined>>;

const PAGE_SIZE = 100;

/**
 * Every event matching `query` created at or after `from` (all of them when undefined), oldest
 * first. New events are written at the end of this order, so paging by offset never skips one.
 */
export async function auditEventsFrom(
  client: ApiClient,
  query: AuditQuery,
  from: number | undefined,
  before?: number,
): Promise<AuditEventJSON[]> {
  const events: AuditEventJSON[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await client.request<AuditEventJSON[]>('GET', '/v1/audit_events', {
      query: {
        ...query,
        ...(from !== undefined && { created_after: String(Math.max(0, from - 1)) }),
        ...(before !== undefined && { created_before: String(before) }),
        order_by: '+created_at',
        limit: String(PAGE_SIZE),
        offset: String(offset),
      },
    });
    events.push(...page);
    if (page.length < PAGE_SIZE) return events;
  }
}

/**
 * Where following has got to: the newest `created_at` seen, and the ids seen at that instant. The
 * events of one act share their `created_at`, and more may come in the same millisecond, so each
 * poll asks from that instant on (inclusive) and drops the ids it has printed already.
 */
export class AuditCursor {
  private at: number | undefined;
  private seenAt = new Set<string>();

  constructor(at: number | undefined, seen: readonly AuditEventJSON[] = []) {
    this.at = at;
    this.take(seen);
  }

  get from(): number | undefined {
    return this.at;
  }

  /** The events of `events` (oldest first) not taken before; moves the cursor past all of them. */
  take(events: readonly AuditEventJSON[]): AuditEventJSON[] {
    const fresh = events.filter((event) => !this.seenAt.has(event.id));
    const newest = Math.max(this.at ?? 0, ...events.map((event) => event.created_at));
    if (newest !== this.at) this.seenAt.clear();
    this.at = events.length === 0 ? this.at : newest;
    for (const event of events) if (event.created_at === this.at) this.seenAt.add(event.id);
    return fresh;
  }
}

/** Resolves after `ms`, or as soon as `stopped` does. */
function pause(ms: number, stopped: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([elapsed, stopped]).finally(() => clearTimeout(timer));
}

/**
 * Polls for events after the cursor every `io.followIntervalMs` and hands each new one to `print`,
 * until the user interrupts (`io.onInterrupt`). A poll under way when interrupted still prints.
 */
export async function followAuditEvents(
  client: ApiClient,
  io: CliIo,
  query: AuditQuery,
  cursor: AuditCursor,
  print: (event: AuditEventJSON) => void,
): Promise<void> {
  let stopped = false;
  let stop = () => {};
  const whenStopped = new Promise<void>((resolve) => {
    stop = () => {
      stopped = true;
      resolve();
    };
  });
  const release = io.onInterrupt(stop);
  try {
    while (!stopped) {
      await pause(io.followIntervalMs, whenStopped);
      if (stopped) break;
      for (const event of cursor.take(await auditEventsFrom(client, query, cursor.from))) print(event);
    }
  } finally {
    release();
  }
}
