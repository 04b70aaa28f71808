import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, startCli } from './cli-in-process';
import { type Json, startTestServer, type TestServer } from './support/tessera';

/**
 * `tessera audit list` against a real server. The server's clock stands still, so every event
 * shares one `created_at`: following has to tell new events from old by id alone.
 */
let server: TestServer;
let alice: Json;
const run = (...args: string[]) => cli(server, args);

async function createToken(...args: string[]): Promise<Json> {
  const created = await run('tokens', 'create', '--user', alice.id, ...args, '--json');
  expect(created.code, created.stderr).toBe(0);
  return JSON.parse(created.stdout);
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser({ email_address: ['alice@example.com'], username: 'alice' });
});

afterAll(async () => {
  await server.close();
});

describe('audit list', () => {
  it('shows what the CLI did as done by the CLI, and what the ticket holder did as theirs', async () => {
    const token = await createToken('--kind', 'sign-in');
    const { session } = await server.accept(token.token);
    // The same act through the API with the secret key, not through the CLI.
    const direct = await server.post('/v1/sign_in_tokens', { user_id: alice.id });

    const events = JSON.parse((await run('audit', 'list', '--ticket', token.id, '--json')).stdout);
    // One millisecond on this clock: events of separate calls come in id order, not act order.
    expect(events.map((event: Json) => `${event.type} by ${event.actor.type}`).sort()).toEqual([
      'session.started by ticket_holder',
      'ticket.accepted by ticket_holder',
      'ticket.issued by cli',
    ]);
    const [issued] = JSON.parse((await run('audit', 'list', '--ticket', direct.body.id, '--json')).stdout);
    expect(issued.actor.type).toBe('secret_key');

    const table = await run('audit', 'list', '--ticket', token.id);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^TIME\s+TYPE\s+ACTOR\s+USER\s+TICKET\/SESSION\s+REASON$/);
    expect(rows.find((row) => row.includes('ticket.issued'))).toMatch(
      new RegExp(`^2025-01-15T12:00:00Z\\s+ticket\\.issued\\s+cli\\s+${alice.id}\\s+${token.id}\\s+-$`),
    );
    expect(rows.find((row) => row.includes('ticket.accepted'))).toContain(`${token.id}/${session.id}`);
  });

  it('names the actor and the agent that accepted, and the reason of a refusal', async () => {
    const actor = await createToken('--kind', 'actor', '--actor', 'support@example.com');
    await server.accept(actor.token);
    const refused = await server.post('/v1/tickets/accept', { ticket: actor.token }, { auth: false });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const table = (await run('audit', 'list', '--ticket', actor.id)).stdout;
    expect(table).toMatch(/ticket\.accepted\s+actor support@example\.com/);
    expect(table).toMatch(/ticket\.accept_failed\s+\S+.*\s(ticket_\w+)$/m);

    const task = await run(
      'agents',
      'tasks',
      'create',
      '--user',
      alice.id,
      '--agent',
      'Invoice bot',
      '--task',
      'Pay',
      '--redirect-url',
      `${server.tessera.url}/done`,
      '--json',
    );
    const { id, token } = JSON.parse(task.stdout);
    await server.accept(token);
    expect((await run('audit', 'list', '--ticket', id)).stdout).toMatch(
      /ticket\.accepted\s+agent Invoice bot/,
    );
  });

  it('filters by user (email), type, time and count', async () => {
    const bob = await server.createUser({ email_address: ['bob@example.com'] });
    const token = await createToken('--kind', 'sign-in');
    await run('tokens', 'revoke', token.id);

    const revoked = JSON.parse((await run('audit', 'list', '--type', 'ticket.revoked', '--json')).stdout);
    expect(revoked.map((event: Json) => event.ticket_id)).toEqual([token.id]);
    expect(revoked[0].actor.type).toBe('cli');

    expect((await run('audit', 'list', '--user', 'bob@example.com', '--type', 'ticket.issued')).stdout).toBe(
      'No audit events.\n',
    );
    await run('tokens', 'create', '--user', bob.id);
    const bobs = JSON.parse((await run('audit', 'list', '--user', 'bob@example.com', '--json')).stdout);
    expect(bobs.map((event: Json) => event.type)).toEqual(['ticket.issued', 'user.created']);

    // The server's clock says 2025-01-15T12:00:00Z; --since and --until take it in (inclusive).
    const count = async (...args: string[]) =>
      JSON.parse(
        (await run('audit', 'list', '--user', bob.id, '--type', 'ticket.issued', '--json', ...args)).stdout,
      ).length;
    expect(await count('--since', '15m')).toBe(1);
    expect(await count('--since', '2025-01-15T12:00:00Z', '--until', '2025-01-15T12:00:00Z')).toBe(1);
    expect(await count('--since', '2025-01-15T12:00:01Z')).toBe(0);
    expect(await count('--until', '1h')).toBe(0);
    expect(JSON.parse((await run('audit', 'list', '--limit', '2', '--json')).stdout)).toHaveLength(2);
  });

  it.each([
    ['a --since it cannot read', ['--since', 'yesterday'], '--since must be an ISO time'],
    ['an --until it cannot read', ['--until', '2025-13-45'], '--until must be an ISO time'],
    ['an unknown --type', ['--type', 'ticket.stolen'], "argument 'ticket.stolen' is invalid"],
    ['a --limit out of range', ['--limit', '0'], '--limit must be a number from 1 to 500'],
    ['--until with --follow', ['--follow', '--until', '1h'], '--until and --follow'],
  ])('says so in one line and exits 2 on %s', async (_name, args, message) => {
    const refused = await run('audit', 'list', ...args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(message);
  });
});

describe('audit list --follow', () => {
  it('prints events created after it started, each once, until interrupted', async () => {
    const following = startCli(server, ['audit', 'list', '--follow', '--limit', '3']);
    await vi.waitFor(() => expect(following.stderr()).toContain('Following the audit log'));
    const lines = () => following.stdout().trim().split('\n');
    expect(lines()[0]).toMatch(/^TIME\s+TYPE\s+ACTOR\s+USER\s+TICKET\/SESSION\s+REASON$/);
    expect(lines()).toHaveLength(4);
    const before = following.stdout();

    const first = await createToken();
    await vi.waitFor(() => expect(following.stdout()).toContain(first.id));
    const second = await createToken();
    await vi.waitFor(() => expect(following.stdout()).toContain(second.id));

    following.interrupt();
    expect(await following.exited).toBe(0);
    const added = following.stdout().slice(before.length).trim().split('\n');
    expect(added).toHaveLength(2);
    expect(added[0]).toMatch(new RegExp(`ticket\\.issued\\s+cli\\s+${alice.id}\\s+${first.id}`));
    expect(added[1]).toContain(second.id);
  });

  it('prints one JSON object per line with --json', async () => {
    const following = startCli(server, [
      'audit',
      'list',
      '--follow',
      '--json',
      '--limit',
      '2',
      '--user',
      'alice',
    ]);
    await vi.waitFor(() => expect(following.stderr()).toContain('Following'));
    const token = await createToken('--kind', 'sign-in');
    await server.accept(token.token);
    await vi.waitFor(() => expect(following.stdout()).toContain('"session.started"'));
    following.interrupt();
    expect(await following.exited).toBe(0);

    const events = following
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(5);
    expect(new Set(events.map((event) => event.id)).size).toBe(5);
    expect(
      events
        .slice(2)
        .map((event) => `${event.type} ${event.ticket_id}`)
        .sort(),
    ).toEqual([`session.started ${token.id}`, `ticket.accepted ${token.id}`, `ticket.issued ${token.id}`]);
  });

  it('stops at once when interrupted before anything new happens', async () => {
    const following = startCli(server, ['audit', 'list', '--follow', '--type', 'user.deleted'], {
      followIntervalMs: 60_000,
    });
    await vi.waitFor(() => expect(following.stderr()).toContain('Following'));
    following.interrupt();
    expect(await following.exited).toBe(0);
    expect(following.stdout().trim().split('\n')).toHaveLength(1);
  });
});
