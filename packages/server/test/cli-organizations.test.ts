import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-in-process';
import { type Json, startTestServer, type TestServer } from './support/tessera';

/** `tessera orgs ...`, and `tokens create --org/--claims`, against a real server. */
let server: TestServer;
let alice: Json;
let bob: Json;
const run = (...args: string[]) => cli(server, args);

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser({ email_address: ['alice@example.com'], username: 'alice' });
  bob = await server.createUser({ email_address: ['bob@example.com'], username: 'bob', first_name: 'Bob' });
});

afterAll(async () => {
  await server.close();
});

/** The one line of stderr of a refused command. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

/** The claims of a JWT, read without checking its signature (the server's own tests check that). */
function claimsOf(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

async function acceptUrl(url: string): Promise<Json> {
  const ticket = new URL(url).searchParams.get('ticket');
  return server.accept(ticket ?? '');
}

describe('orgs', () => {
  it('creates an organization with a slug, its creator as admin, a cap and metadata', async () => {
    const created = await run(
      'orgs',
      'create',
      'Acme Inc',
      '--slug',
      'acme',
      '--created-by',
      'alice@example.com',
      '--max-members',
      '5',
      '--public-metadata',
      '{"plan":"pro"}',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const org = JSON.parse(created.stdout);
    expect(org).toMatchObject({
      object: 'organization',
      name: 'Acme Inc',
      slug: 'acme',
      created_by: alice.id,
      max_allowed_memberships: 5,
      public_metadata: { plan: 'pro' },
    });

    server.clock.advance(1000); // lists are ordered by time
    const human = await run('orgs', 'create', 'Globex');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Created organization Globex \(globex, org_\w+\)\n$/);
  });

  it('refuses bad flags in one line with exit code 2, before any request', async () => {
    const metadata = await run('orgs', 'create', 'Initech', '--public-metadata', '[1]');
    expect(metadata.code).toBe(2);
    expect(oneLine(metadata.stderr)).toContain('--public-metadata must be a JSON object');
    const cap = await run('orgs', 'create', 'Initech', '--max-members', 'lots');
    expect(cap.code).toBe(2);
    expect(oneLine(cap.stderr)).toContain('--max-members must be a whole number');
    const listed = await run('orgs', 'list', '--query', 'initech', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('reports an API refusal (a taken slug) in one line with exit code 1', async () => {
    const taken = await run('orgs', 'create', 'Acme again', '--slug', 'acme');
    expect(taken.code).toBe(1);
    expect(oneLine(taken.stderr)).toMatch(/^tessera: .*slug/i);
  });

  it('lists organizations with their member counts, filtered by --query', async () => {
    const listed = await run('orgs', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    const [header, ...rows] = listed.stdout.trim().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+SLUG\s+MEMBERS\s+CREATED$/);
    expect(rows.map((row) => row.split(/\s{2,}/)[2])).toEqual(['globex', 'acme']);
    expect(rows[1]).toMatch(/Acme Inc\s+acme\s+1\s/);

    const queried = await run('orgs', 'list', '--query', 'acm', '--json');
    expect(JSON.parse(queried.stdout).map((org: Json) => org.slug)).toEqual(['acme']);
    const limited = await run('orgs', 'list', '--limit', '1');
    expect(limited.stdout).toContain('1 of 2 shown');
    expect((await run('orgs', 'list', '--limit', '0')).code).toBe(2);
  });

  it('gets an organization by slug or by id', async () => {
    const bySlug = await run('orgs', 'get', 'acme');
    expect(bySlug.code, bySlug.stderr).toBe(0);
    expect(bySlug.stdout).toMatch(/^ID:\s+org_\w+$/m);
    expect(bySlug.stdout).toMatch(/^Members:\s+1$/m);
    expect(bySlug.stdout).toMatch(/^Max members:\s+5$/m);
    expect(bySlug.stdout).toMatch(/^Public metadata:\s+\{"plan":"pro"\}$/m);
    const id = bySlug.stdout.match(/^ID:\s+(org_\w+)$/m)?.[1] ?? '';
    const byId = await run('orgs', 'get', id, '--json');
    expect(JSON.parse(byId.stdout)).toMatchObject({ id, slug: 'acme', members_count: 1 });
    const missing = await run('orgs', 'get', 'no-such-org');
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toContain('resource_not_found');
  });

  it('adds, lists, re-roles and removes members, naming users by email, username or id', async () => {
    server.clock.advance(1000);
    const added = await run('orgs', 'add-member', 'acme', 'bob@example.com');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(
      /^Added bob@example\.com \(user_\w+\) to Acme Inc \(org_\w+\) as org:member\n$/,
    );

    const members = await run('orgs', 'members', 'acme');
    expect(members.code, members.stderr).toBe(0);
    const [header, ...rows] = members.stdout.trim().split('\n');
    expect(header).toMatch(/^USER\s+IDENTIFIER\s+NAME\s+ROLE\s+SINCE$/);
    expect(rows).toEqual([
      expect.stringMatching(new RegExp(`^${alice.id}\\s+alice@example.com\\s+-\\s+org:admin\\s`)),
      expect.stringMatching(new RegExp(`^${bob.id}\\s+bob@example.com\\s+Bob\\s+org:member\\s`)),
    ]);

    const promoted = await run('orgs', 'set-role', 'acme', 'bob', 'org:admin', '--json');
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      role: 'org:admin',
      public_user_data: { user_id: bob.id },
    });

    const removed = await run('orgs', 'remove-member', 'acme', bob.id);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^Removed bob@example\.com \(user_\w+\) from Acme Inc/);
    const after = await run('orgs', 'members', 'acme', '--json');
    expect(JSON.parse(after.stdout).map((m: Json) => m.public_user_data.user_id)).toEqual([alice.id]);

    const asAdmin = await run('orgs', 'add-member', 'globex', 'bob', '--role', 'org:admin', '--json');
    expect(JSON.parse(asAdmin.stdout).role).toBe('org:admin');
  });

  it('says in one line when the user or the membership is not there', async () => {
    const nobody = await run('orgs', 'add-member', 'acme', 'nobody@example.com');
    expect(nobody.code).toBe(1);
    expect(oneLine(nobody.stderr)).toContain('no user has the email address "nobody@example.com"');
    const notMember = await run('orgs', 'set-role', 'acme', 'bob', 'org:admin');
    expect(notMember.code).toBe(1);
    oneLine(notMember.stderr);
  });

  it('deletes an organization by slug', async () => {
    const deleted = await run('orgs', 'delete', 'globex');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted organization Globex \(globex, org_\w+\)\n$/);
    expect((await run('orgs', 'get', 'globex')).code).toBe(1);
  });

  it('has help that shows examples', async () => {
    const help = await run('orgs', 'add-member', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tessera orgs add-member acme bob@example.com');
    expect(help.stdout).toContain('--role <role>');
    const group = await run('orgs', '--help');
    for (const command of [
      'create',
      'list',
      'get',
      'delete',
      'add-member',
      'members',
      'set-role',
      'remove-member',
    ])
      expect(group.stdout).toContain(command);
  });
});

describe('tokens create --org and --claims', () => {
  it('starts the session in the organization, named by slug, with the token’s own claims', async () => {
    const created = await run(
      'tokens',
      'create',
      '--user',
      'alice',
      '--org',
      'acme',
      '--claims',
      '{"plan":"{{org.public_metadata.plan}}","beta":true}',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/ for user_\w+ in org_\w+: single use/);
    const acceptance = await acceptUrl(created.stdout.trim());
    const claims = claimsOf(acceptance.jwt);
    const org = JSON.parse((await run('orgs', 'get', 'acme', '--json')).stdout);
    expect(claims.o).toMatchObject({ id: org.id, slg: 'acme', rol: 'admin' });
    expect(claims).toMatchObject({ plan: 'pro', beta: true });
  });

  it('takes --org on every kind, and agents tasks too', async () => {
    const signIn = await run(
      'tokens',
      'create',
      '--kind',
      'sign-in',
      '--user',
      'alice',
      '--org',
      'acme',
      '--json',
    );
    expect(signIn.code, signIn.stderr).toBe(0);
    const org = JSON.parse((await run('orgs', 'get', 'acme', '--json')).stdout);
    expect(JSON.parse(signIn.stdout).organization_id).toBe(org.id);
    const task = await run(
      'agents',
      'tasks',
      'create',
      '--user',
      'alice',
      '--agent',
      'bot',
      '--task',
      'Tidy up',
      '--redirect-url',
      'http://localhost:3000/',
      '--org',
      org.id,
      '--json',
    );
    expect(task.code, task.stderr).toBe(0);
    expect(JSON.parse(task.stdout).organization_id).toBe(org.id);
  });

  it('refuses --claims on other kinds and reserved claims, in one line with exit code 2', async () => {
    const kind = await run('tokens', 'create', '--kind', 'sign-in', '--user', 'alice', '--claims', '{"a":1}');
    expect(kind.code).toBe(2);
    expect(oneLine(kind.stderr)).toContain('--claims is only for --kind test-session');
    const reserved = await run('tokens', 'create', '--user', 'alice', '--claims', '{"sub":"x","o":{}}');
    expect(reserved.code).toBe(2);
    expect(oneLine(reserved.stderr)).toContain('"sub", "o" are set by tessera');
    const big = await run(
      'tokens',
      'create',
      '--user',
      'alice',
      '--claims',
      JSON.stringify({ a: 'x'.repeat(3000) }),
    );
    expect(big.code).toBe(2);
    expect(oneLine(big.stderr)).toContain('at most 2048 bytes');
  });

  it('says so when the user is not a member of the organization', async () => {
    await run('orgs', 'create', 'Hooli', '--slug', 'hooli');
    const refused = await run('tokens', 'create', '--user', 'bob', '--org', 'hooli');
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toContain('not_a_member_in_organization');
  });
});
