import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-in-process';
import { type Json, startTestServer, type TestServer } from './support/tessera';

/** `tessera tokens --kind ...` and `tessera agents tasks ...` against a real server. */
let server: TestServer;
let alice: Json;
const run = (...args: string[]) => cli(server, args);

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser({ email_address: ['alice@example.com'], username: 'alice' });
});

afterAll(async () => {
  await server.close();
});

/** Accepts the ticket of a URL as an API client does: POST /v1/tickets/accept over the socket. */
async function acceptUrl(url: string): Promise<Json> {
  const ticket = new URL(url).searchParams.get('ticket');
  const response = await fetch(new URL('/v1/tickets/accept', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** The single line of stdout, which must be a ticket URL; and the ticket's id (before its dot). */
function urlOf(stdout: string): { url: string; id: string } {
  expect(stdout.endsWith('\n')).toBe(true);
  const url = stdout.slice(0, -1);
  expect(url).not.toContain('\n');
  const ticket = new URL(url).searchParams.get('ticket') ?? '';
  return { url, id: ticket.split('.')[0] ?? '' };
}

describe('tokens create --kind', () => {
  const kinds: [string, string[], string, (id: string) => unknown][] = [
    ['test-session', [], 'alice@example.com', (id) => ({ sub: id, type: 'test_session_token' })],
    ['sign-in', [], 'alice', () => null],
    [
      'actor',
      ['--actor', 'support@example.com', '--actor-json', '{"name":"Support","ticket":42}'],
      'alice@example.com',
      () => ({ sub: 'support@example.com', name: 'Support', ticket: 42 }),
    ],
  ];

  it.each(kinds)(
    '%s: the URL alone on stdout signs in with the kind’s actor',
    async (kind, extra, user, actor) => {
      const created = await run('tokens', 'create', '--kind', kind, '--user', user, ...extra);
      expect(created.code, created.stderr).toBe(0);
      const { url, id } = urlOf(created.stdout);
      expect(created.stderr.trim().split('\n')).toHaveLength(1);
      expect(created.stderr).toContain(id);
      expect(created.stderr).toContain(alice.id);

      const acceptance = await acceptUrl(url);
      expect(acceptance.session.user_id).toBe(alice.id);
      expect(acceptance.session.actor).toEqual(actor(id));
    },
  );

  it('defaults to a test session token, as before', async () => {
    const created = await run('tokens', 'create', '--user', alice.id, '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).object).toBe('test_session_token');
  });

  it('prints the token with --json, and lists the kind with its actor', async () => {
    const created = await run(
      'tokens',
      'create',
      '--kind',
      'actor',
      '--user',
      'alice',
      '--actor',
      'ops-7',
      '--json',
    );
    const token = JSON.parse(created.stdout);
    expect(token).toMatchObject({ object: 'actor_token', user_id: alice.id, actor: { sub: 'ops-7' } });
    expect(token.url).toContain(token.token);

    const table = await run('tokens', 'list', '--kind', 'actor', '--user', 'alice@example.com');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+ACTOR\s+STATUS/);
    expect(table.stdout).toMatch(new RegExp(`${token.id}\\s+alice@example\\.com\\s+ops-7\\s+pending`));
    const none = await run('tokens', 'list', '--kind', 'sign-in', '--status', 'revoked');
    expect(none.stdout).toBe('No sign-in tokens.\n');
  });
});

describe('tokens revoke', () => {
  it.each([
    ['test-session', []],
    ['sign-in', []],
    ['actor', ['--actor', 'support@example.com']],
  ])('takes the kind of a %s token from its id', async (kind, extra) => {
    const created = await run('tokens', 'create', '--kind', kind, '--user', alice.id, ...extra, '--json');
    const { id } = JSON.parse(created.stdout);
    const revoked = await run('tokens', 'revoke', id);
    expect(revoked).toEqual({ code: 0, stdout: `Revoked ${id}\n`, stderr: '' });
    const listed = await run('tokens', 'list', '--kind', kind, '--status', 'revoked', '--json');
    expect(JSON.parse(listed.stdout).map((token: Json) => token.id)).toContain(id);
  });

  it('refuses a --kind that contradicts the id, and an id of no token kind, in one line', async () => {
    const created = await run('tokens', 'create', '--kind', 'sign-in', '--user', alice.id, '--json');
    const { id } = JSON.parse(created.stdout);
    for (const args of [
      ['tokens', 'revoke', id, '--kind', 'actor'],
      ['tokens', 'revoke', 'sess_0000000000000000000000000zz'],
      ['tokens', 'revoke', 'agttsk_0000000000000000000000000zz'],
    ]) {
      const refused = await run(...args);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    }
    const unknown = await run('tokens', 'revoke', 'act_0000000000000000000000000zz');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('resource_not_found');
  });
});

describe('bad usage of tokens create', () => {
  it.each([
    ['an unknown --kind', ['--kind', 'magic'], "argument 'magic' is invalid"],
    [
      'a bad --actor-json',
      ['--kind', 'actor', '--actor', 'a', '--actor-json', '{name:'],
      '--actor-json is not valid JSON',
    ],
    ['an --actor-json array', ['--kind', 'actor', '--actor', 'a', '--actor-json', '[1]'], 'not an array'],
    [
      'a sub in --actor-json',
      ['--kind', 'actor', '--actor', 'a', '--actor-json', '{"sub":"b"}'],
      'give it with --actor',
    ],
    ['--kind actor without --actor', ['--kind', 'actor'], '--kind actor needs --actor'],
    ['--actor with another kind', ['--kind', 'sign-in', '--actor', 'a'], 'only for --kind actor'],
  ])('says so in one line and exits 2 on %s', async (_name, args, message) => {
    const refused = await run('tokens', 'create', '--user', alice.id, ...args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(message);
  });

  it('reports an unknown user of a sign-in token as a failure (exit 1)', async () => {
    const refused = await run('tokens', 'create', '--kind', 'sign-in', '--user', 'nobody@example.com');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no user has the email address "nobody@example.com"');
  });
});

describe('agents tasks', () => {
  const createTask = (...extra: string[]) =>
    run(
      'agents',
      'tasks',
      'create',
      '--user',
      'alice@example.com',
      '--agent',
      'Invoice bot',
      '--task',
      'Download the March invoices',
      '--redirect-url',
      `${server.tessera.url}/done`,
      ...extra,
    );

  it('creates a task whose URL signs the agent in as the user, and lists it', async () => {
    const created = await createTask('--session-duration', '600');
    expect(created.code, created.stderr).toBe(0);
    const { url, id } = urlOf(created.stdout);
    expect(id).toMatch(/^agttsk_/);
    expect(created.stderr).toContain('"Invoice bot"');

    const { session } = await acceptUrl(url);
    expect(session.user_id).toBe(alice.id);
    expect(session.actor).toMatchObject({
      type: 'agent',
      agent_name: 'Invoice bot',
      task_id: id,
      permissions: '*',
    });
    expect(session.actor.sub).toMatch(/^agt_/);

    const listed = await run('agents', 'tasks', 'list', '--user', 'alice', '--json');
    const task = JSON.parse(listed.stdout).find((t: Json) => t.id === id);
    expect(task).toMatchObject({ status: 'accepted', session_id: session.id, agent_id: session.actor.sub });
    const table = await run('agents', 'tasks', 'list', '--status', 'accepted');
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+Invoice bot\\s+${alice.id}\\s+accepted`));
    expect(table.stdout).toContain('Download the March invoices');
  });

  it('revokes a pending task', async () => {
    const { id } = JSON.parse((await createTask('--json')).stdout);
    const revoked = await run('agents', 'tasks', 'revoke', id);
    expect(revoked).toEqual({ code: 0, stdout: `Revoked ${id}\n`, stderr: '' });
    const listed = await run('agents', 'tasks', 'list', '--status', 'revoked', '--json');
    expect(JSON.parse(listed.stdout).map((task: Json) => task.id)).toEqual([id]);
    const again = await run('agents', 'tasks', 'revoke', id);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses bad usage in one line with exit 2', async () => {
    const missing = await run(
      'agents',
      'tasks',
      'create',
      '--user',
      'alice',
      '--agent',
      'bot',
      '--task',
      'x',
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--redirect-url');
    const ttl = await createTask('--ttl', 'ten');
    expect(ttl.code).toBe(2);
    expect(ttl.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tokens list', () => {
  it('says who each token is for: the email, else the username, else the user id; --json as the API', async () => {
    const bob = await server.createUser({ username: 'bob' });
    const nameless = await server.createUser({});
    const cases: [string, string][] = [
      [alice.id, 'alice@example\\.com'],
      [bob.id, 'bob'],
      [nameless.id, nameless.id],
    ];
    for (const [userId, label] of cases) {
      const { body: token } = await server.post('/v1/test_session_tokens', { user_id: userId });
      const table = await run('tokens', 'list', '--user', userId, '--limit', '500');
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+STATUS/);
      expect(table.stdout).toMatch(new RegExp(`^${token.id}\\s+${label}\\s+pending`, 'm'));
    }
    const json = await run('tokens', 'list', '--user', bob.id, '--json');
    const { body: listed } = await server.get(`/v1/test_session_tokens?user_id=${bob.id}`);
    expect(JSON.parse(json.stdout)).toEqual(listed);
  });
});
