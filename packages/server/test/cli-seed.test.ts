import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-in-process';
import { onEveryDatabase } from './support/every-database';
import type { Json, TestServer } from './support/tessera';

/** `tessera seed <file>` against a real server: JSON and YAML, twice, and files with mistakes. */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-seed-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

const SEED_YAML = `# Two users, an organization with both as members, and a custom role.
permissions:
  - { key: "org:invoices:read", name: Read invoices }
roles:
  - key: org:billing
    name: Billing
    permissions: ["org:invoices:read"]
users:
  - email_address: [alice@example.com]
    first_name: Alice
    public_metadata: { plan: pro }
  - id: user_bob
    username: bob
organizations:
  - name: Acme Inc
    slug: acme
    members:
      - { user: alice@example.com, role: org:admin }
      - { user: bob, role: org:billing }
`;

const SEED_JSON = {
  users: [{ email_address: ['grace@example.com'], username: 'grace' }],
  organizations: [{ id: 'org_globex', name: 'Globex', members: [{ user: 'grace', role: 'org:member' }] }],
};

onEveryDatabase('tessera seed', (_database, start) => {
  describe('tessera seed', () => {
    let server: TestServer;
    const run = (...args: string[]) => cli(server, args);

    beforeAll(async () => {
      server = await start();
    });

    afterAll(async () => {
      await server.close();
    });

    it('applies a YAML file, then reports everything unchanged on a second run', async () => {
      const path = file('seed.yaml', SEED_YAML);
      const first = await run('seed', path);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.split('\n')[0]).toBe(`Applied ${path}: 7 created, 0 updated, 0 unchanged.`);
      expect(first.stdout).toMatch(/^users\s+2\s+0\s+0$/m);
      expect(first.stdout).toMatch(/^memberships\s+2\s+0\s+0$/m);

      const members = JSON.parse((await run('orgs', 'members', 'acme', '--json')).stdout);
      const roles = Object.fromEntries(members.map((m: Json) => [m.public_user_data.identifier, m.role]));
      expect(roles).toEqual({ 'alice@example.com': 'org:admin', bob: 'org:billing' });
      expect(members.map((m: Json) => m.public_user_data.user_id)).toContain('user_bob');

      const second = await run('seed', path, '--json');
      expect(second.code, second.stderr).toBe(0);
      const result = JSON.parse(second.stdout);
      expect(result.object).toBe('fixtures_result');
      for (const kind of ['permissions', 'roles', 'users', 'organizations', 'memberships']) {
        expect(result.created[kind], kind).toBe(0);
        expect(result.updated[kind], kind).toBe(0);
      }
      expect(result.unchanged).toEqual({
        permissions: 1,
        roles: 1,
        users: 2,
        organizations: 1,
        memberships: 2,
      });
      const human = await run('seed', path);
      expect(human.stdout.split('\n')[0]).toBe(
        `${path}: nothing to change, all 7 entries are as the file says.`,
      );
    });

    it('applies a JSON file, and updates what changed in it', async () => {
      const path = file('seed.json', JSON.stringify(SEED_JSON, null, 2));
      const first = await run('seed', path, '--json');
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout).created).toMatchObject({ users: 1, organizations: 1, memberships: 1 });
      const org = JSON.parse((await run('orgs', 'get', 'org_globex', '--json')).stdout);
      expect(org).toMatchObject({ id: 'org_globex', name: 'Globex', members_count: 1 });

      file(
        'seed.json',
        JSON.stringify({ ...SEED_JSON, users: [{ ...SEED_JSON.users[0], first_name: 'Grace' }] }),
      );
      const changed = await run('seed', path);
      expect(changed.code, changed.stderr).toBe(0);
      expect(changed.stdout.split('\n')[0]).toBe(`Applied ${path}: 0 created, 1 updated, 2 unchanged.`);
    });

    it('has help with an example file', async () => {
      const help = await run('seed', '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('members:');
      expect(help.stdout).toContain('tessera seed seed.yaml');
    });
  });

  describe('tessera seed with a bad file', () => {
    let server: TestServer;
    const run = (...args: string[]) => cli(server, args);
    const userCount = async () => JSON.parse((await run('users', 'list', '--json')).stdout).length;
    const orgCount = async () => JSON.parse((await run('orgs', 'list', '--json')).stdout).length;

    beforeAll(async () => {
      server = await start();
      await server.createUser({ email_address: ['existing@example.com'] });
    });

    afterAll(async () => {
      await server.close();
    });

    const cases: [string, string, string, (path: string) => string][] = [
      [
        'an email address that is not one',
        'bad-email.yaml',
        'users:\n  - email_address: [ok@example.com]\n  - email_address: [not-an-email]\n',
        (path) => `tessera: ${path}: users[1].email_address[0]: must be an email address`,
      ],
      [
        'a misspelt field',
        'typo.json',
        JSON.stringify({ users: [{ email_address: ['ok@example.com'], frist_name: 'Ok' }] }),
        (path) => `tessera: ${path}: users[0].frist_name: is not a field tessera knows (check its spelling)`,
      ],
      [
        'YAML that does not parse',
        'broken.yml',
        'users:\n  - email_address: [ok@example.com\n  username: x\n',
        (path) =>
          `tessera: ${path}: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 3`,
      ],
      [
        'JSON that does not parse',
        'broken.json',
        '{\n  "users": [\n    { "username": "x" },\n  ]\n}\n',
        (path) => `tessera: ${path}: not valid JSON: Unexpected token ']' at line 4, column 3`,
      ],
      [
        'a document that is a list',
        'list.yaml',
        '- alice@example.com\n',
        (path) => `tessera: ${path}: must be an object of users, organizations`,
      ],
      ['an empty file', 'empty.yaml', '', (path) => `tessera: ${path}: is empty`],
      [
        // Only the server can tell: the whole file is refused, its first user too.
        'a member no user is',
        'no-member.yaml',
        'users:\n  - email_address: [ok@example.com]\norganizations:\n  - name: Initech\n    slug: initech\n    members:\n      - { user: ok@example.com, role: org:member }\n      - { user: ghost@example.com, role: org:member }\n',
        (path) => `tessera: ${path}: organizations[0].members[1].user: No user is ghost@example.com`,
      ],
      [
        'a role no instance has',
        'no-role.yaml',
        'users:\n  - email_address: [ok@example.com]\norganizations:\n  - name: Initech\n    slug: initech\n    members:\n      - { user: ok@example.com, role: org:wizard }\n',
        (path) => `tessera: ${path}: organizations[0].members[0].role: `,
      ],
    ];

    it.each(cases)(
      'refuses %s in one line, exit code 2, creating nothing',
      async (_name, name, text, says) => {
        const path = file(name, text);
        const [users, orgs] = [await userCount(), await orgCount()];
        const refused = await run('seed', path);
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stdout).toBe('');
        expect(oneLine(refused.stderr).startsWith(says(path)), refused.stderr).toBe(true);
        expect(await userCount()).toBe(users);
        expect(await orgCount()).toBe(orgs);
      },
    );

    it('gives the line and column of a JSON syntax error, and never quotes the file', async () => {
      const path = file('secret.json', '{"users": [{"username": "x", "password": "hunter2hunter2" "oops"}]}');
      const refused = await run('seed', path);
      expect(refused.code).toBe(2);
      expect(oneLine(refused.stderr)).toBe(
        `tessera: ${path}: not valid JSON: Expected ',' or '}' after property value at line 1, column 59`,
      );
      const multiline = file('lines.json', '{\n  "users": [\n    { "username": "x" } }\n  ]\n}\n');
      const located = await run('seed', multiline);
      expect(oneLine(located.stderr)).toMatch(/after array element at line 3, column 25$/);
      const short = await run('seed', file('short.json', '{"users": ['));
      expect(oneLine(short.stderr)).toContain('not valid JSON: the file ends too soon');
    });

    it('names a file that is not there', async () => {
      const missing = await run('seed', join(dir, 'nope.yaml'));
      expect(missing.code).toBe(2);
      expect(oneLine(missing.stderr)).toBe(`tessera: ${join(dir, 'nope.yaml')}: no such file`);
    });
  });
});
