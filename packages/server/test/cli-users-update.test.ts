import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from './cli-in-process';
import { type Json, startTestServer, type TestServer } from './support/tessera';

/** `tessera users update` against a real server: names, username, password, and metadata. */
let server: TestServer;
let carol: Json;
const run = (...args: string[]) => cli(server, args);

beforeAll(async () => {
  server = await startTestServer();
  carol = await server.createUser({
    email_address: ['carol@example.com'],
    username: 'carol',
    public_metadata: { plan: 'free', limits: { seats: 1, projects: 3 } },
    private_metadata: { stripe: 'cus_1' },
  });
});

afterAll(async () => {
  await server.close();
});

const stored = async () => (await server.get(`/v1/users/${carol.id}`)).body;

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

it('changes names and username, naming the user by email, and says what changed', async () => {
  const updated = await run(
    'users',
    'update',
    'carol@example.com',
    '--first-name',
    'Carol',
    '--last-name',
    'Danvers',
  );
  expect(updated.code, updated.stderr).toBe(0);
  expect(updated.stdout).toBe(`Updated user ${carol.id} (carol@example.com): first name, last name\n`);
  expect(await stored()).toMatchObject({ first_name: 'Carol', last_name: 'Danvers', username: 'carol' });

  const renamed = await run('users', 'update', 'carol', '--username', 'captain', '--last-name', '', '--json');
  expect(renamed.code, renamed.stderr).toBe(0);
  expect(JSON.parse(renamed.stdout)).toMatchObject({ id: carol.id, username: 'captain', last_name: null });
});

it('deep-merges --metadata into public metadata; null removes a key', async () => {
  const merged = await run(
    'users',
    'update',
    carol.id,
    '--metadata',
    '{"plan":"pro","limits":{"seats":5,"projects":null}}',
  );
  expect(merged.code, merged.stderr).toBe(0);
  expect(merged.stdout).toContain(': public metadata (merged)');
  const user = await stored();
  expect(user.public_metadata).toEqual({ plan: 'pro', limits: { seats: 5 } });
  expect(user.private_metadata).toEqual({ stripe: 'cus_1' });
});

it('replaces each metadata given with --replace-metadata, and leaves the others alone', async () => {
  const replaced = await run(
    'users',
    'update',
    'captain',
    '--private-metadata',
    '{"stripe":"cus_2"}',
    '--unsafe-metadata',
    '{}',
    '--replace-metadata',
  );
  expect(replaced.code, replaced.stderr).toBe(0);
  expect(replaced.stdout).toContain(': private metadata, unsafe metadata (replaced)');
  const user = await stored();
  expect(user.private_metadata).toEqual({ stripe: 'cus_2' });
  expect(user.unsafe_metadata).toEqual({});
  expect(user.public_metadata).toEqual({ plan: 'pro', limits: { seats: 5 } });
});

it('sets a password the server then verifies, together with other changes', async () => {
  const updated = await run(
    'users',
    'update',
    'captain',
    '--password',
    'correct horse battery',
    '--metadata',
    '{"pw":true}',
  );
  expect(updated.code, updated.stderr).toBe(0);
  expect(updated.stdout).not.toContain('correct horse');
  const verified = await server.post(`/v1/users/${carol.id}/verify_password`, {
    password: 'correct horse battery',
  });
  expect(verified.body).toEqual({ verified: true });
  expect((await stored()).public_metadata.pw).toBe(true);

  const short = await run('users', 'update', 'captain', '--password', 'abc');
  expect(short.code).toBe(1);
  oneLine(short.stderr);
  const skipped = await run('users', 'update', 'captain', '--password', 'abc', '--skip-password-checks');
  expect(skipped.code, skipped.stderr).toBe(0);
});

it('refuses nothing to do, bad JSON and a lone --replace-metadata in one line with exit code 2', async () => {
  const before = await stored();
  for (const [args, says] of [
    [[], 'nothing to update'],
    [['--metadata', '{plan:pro}'], '--metadata is not valid JSON'],
    [['--private-metadata', '"text"'], '--private-metadata must be a JSON object'],
    [['--replace-metadata'], '--replace-metadata needs'],
    [['--skip-password-checks'], '--skip-password-checks goes with --password'],
  ] as const) {
    const refused = await run('users', 'update', 'captain', ...args);
    expect(refused.code, args.join(' ')).toBe(2);
    expect(oneLine(refused.stderr)).toContain(says);
  }
  expect(await stored()).toEqual(before);
});

it('says which part was saved when the metadata is refused after the other changes', async () => {
  const big = JSON.stringify({ blob: 'x'.repeat(9000) });
  const refused = await run('users', 'update', 'captain', '--first-name', 'Carol2', '--metadata', big);
  expect(refused.code).toBe(1);
  expect(oneLine(refused.stderr)).toMatch(/^tessera: the other changes were saved, the metadata was not: /);
  expect((await stored()).first_name).toBe('Carol2');
});

it('says in one line that no user has the identifier', async () => {
  const missing = await run('users', 'update', 'nobody@example.com', '--first-name', 'X');
  expect(missing.code).toBe(1);
  expect(oneLine(missing.stderr)).toContain('no user has the email address "nobody@example.com"');
});

it('has help with examples', async () => {
  const help = await run('users', 'update', '--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--replace-metadata');
  expect(help.stdout).toContain('tessera users update alice@example.com --first-name Alice');
});
