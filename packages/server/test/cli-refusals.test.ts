import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-in-process';
import { newSecretKey, startTestServer, type TestServer } from './support/tessera';

/**
 * How the CLI refuses, against a real server: what it checks before sending (identifiers, lifetimes),
 * and how it says the API's refusals (the flag and the value, where a refused key came from).
 */
let server: TestServer;
const run = (...args: string[]) => cli(server, args);

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser({ email_address: ['alice@example.com'], username: 'alice' });
});

afterAll(async () => {
  await server.close();
});

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('a refused secret key', () => {
  const wrongKey = newSecretKey();

  it('with no key anywhere, says where it looks and what writes the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-nokey-'));
    try {
      const refused = await cli(server, ['users', 'list'], {
        env: { TESSERA_API_URL: server.tessera.url },
        cwd: dir,
      });
      expect(refused.code).toBe(2);
      expect(oneLine(refused.stderr)).toBe(
        `tessera: no secret key: set TESSERA_SECRET_KEY or run from the folder holding ${join('.tessera', 'secret-key')} (written by the first \`npx @tessera/server\`)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says it came from TESSERA_SECRET_KEY, without showing it', async () => {
    const refused = await cli(server, ['users', 'list'], {
      env: { TESSERA_SECRET_KEY: wrongKey, TESSERA_API_URL: server.tessera.url },
    });
    expect(refused.code).toBe(1);
    const line = oneLine(refused.stderr);
    expect(line).toContain(`${server.tessera.url} refused the secret key from TESSERA_SECRET_KEY`);
    expect(line).toContain('HTTP 401');
    expect(line).not.toContain(wrongKey);
  });

  it('says the path of the key file it read, without showing the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-key-'));
    try {
      mkdirSync(join(dir, '.tessera'));
      writeFileSync(join(dir, '.tessera', 'secret-key'), `${wrongKey}\n`);
      const refused = await cli(server, ['users', 'list'], {
        env: { TESSERA_API_URL: server.tessera.url },
        cwd: dir,
      });
      expect(refused.code).toBe(1);
      const line = oneLine(refused.stderr);
      expect(line).toContain(`refused the secret key in ${join(dir, '.tessera', 'secret-key')}`);
      expect(line).not.toContain(wrongKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an unreachable server', () => {
  it('says how to start one, as a project that installed @tessera/server runs it', async () => {
    const refused = await cli(server, ['users', 'list'], {
      env: { TESSERA_SECRET_KEY: server.secretKey, TESSERA_API_URL: 'http://127.0.0.1:9' },
    });
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toBe(
      'tessera: cannot reach tessera at http://127.0.0.1:9: is it running? Start it with `npx @tessera/server`.',
    );
  });
});

describe('users create', () => {
  const userCount = async () => (await server.get('/v1/users/count')).body.total_count as number;

  it('is refused without --email or --username, and creates nothing', async () => {
    const before = await userCount();
    for (const args of [[], ['--first-name', 'Nobody', '--external-id', 'x-1']]) {
      const refused = await run('users', 'create', ...args);
      expect(refused.code).toBe(2);
      const line = oneLine(refused.stderr);
      expect(line).toContain('--email');
      expect(line).toContain('--username');
    }
    expect(await userCount()).toBe(before);
  });
});

describe('lifetimes are bounded as the API bounds them, before any request', () => {
  const cases: [string, string[], string][] = [
    ['--ttl', ['tokens', 'create', '--user', 'alice', '--ttl', '0'], 'from 1 to 2592000'],
    [
      '--ttl',
      ['tokens', 'create', '--kind', 'sign-in', '--user', 'alice', '--ttl', '2592001'],
      'from 1 to 2592000',
    ],
    [
      '--session-duration',
      ['tokens', 'create', '--user', 'alice', '--session-duration', '59'],
      'from 60 to 604800',
    ],
    [
      '--session-duration',
      [
        'tokens',
        'create',
        '--kind',
        'actor',
        '--user',
        'alice',
        '--actor',
        'ops',
        '--session-duration',
        '604801',
      ],
      'from 60 to 604800',
    ],
    [
      '--ttl',
      [
        'agents',
        'tasks',
        'create',
        '--user',
        'alice',
        '--agent',
        'bot',
        '--task',
        't',
        '--redirect-url',
        'http://localhost/',
        '--ttl',
        '2592001',
      ],
      'from 1 to 2592000',
    ],
  ];
  it.each(cases)(
    '%s out of range: one line with the flag, the value and the range, exit 2',
    async (flag, args, range) => {
      const requests = server.logs.length;
      const refused = await run(...args);
      expect(refused.code).toBe(2);
      const line = oneLine(refused.stderr);
      expect(line).toContain(flag);
      expect(line).toContain(`"${args.at(-1)}"`);
      expect(line).toContain(range);
      expect(server.logs.length).toBe(requests);
    },
  );

  it('takes the bounds themselves', async () => {
    const longest = await run('tokens', 'create', '--kind', 'sign-in', '--user', 'alice', '--ttl', '2592000');
    expect(longest.code, longest.stderr).toBe(0);
    const shortest = await run(
      'tokens',
      'create',
      '--user',
      'alice',
      '--ttl',
      '1',
      '--session-duration',
      '60',
    );
    expect(shortest.code, shortest.stderr).toBe(0);
  });
});

describe('an API refusal of a field names the flag and echoes its value', () => {
  const cases: [string, string[], string][] = [
    [
      'an email address',
      ['users', 'create', '--email', 'not-an-email'],
      'tessera: --email "not-an-email": must be an email address (form_param_value_invalid, HTTP 422)',
    ],
    [
      'the second of two email addresses',
      ['users', 'create', '--email', 'ok@example.com', '--email', 'bad'],
      'tessera: --email "bad": must be an email address (form_param_value_invalid, HTTP 422)',
    ],
    [
      'a username taken',
      ['users', 'create', '--username', 'alice'],
      'tessera: --username "alice": That username is taken. Please try another (form_identifier_exists, HTTP 422)',
    ],
    [
      'a username to update',
      ['users', 'update', 'alice', '--username', 'bad name!'],
      'tessera: --username "bad name!": must be 1 to 64 letters, digits, "_", "." or "-" (form_param_value_invalid, HTTP 422)',
    ],
    [
      'a redirect URL',
      ['tokens', 'create', '--user', 'alice', '--redirect-url', 'http://evil.example.com/'],
      'tessera: --redirect-url "http://evil.example.com/": its origin http://evil.example.com is not allowed. Add it to TESSERA_ALLOWED_REDIRECT_ORIGINS to allow it (redirect_url_not_allowed, HTTP 422)',
    ],
    [
      'an unknown user',
      ['tokens', 'create', '--user', 'nobody@example.com'],
      'tessera: --user "nobody@example.com": No user has this email address or username (resource_not_found, HTTP 404)',
    ],
    [
      'an organization slug',
      ['orgs', 'create', 'Acme', '--slug', 'BAD SLUG'],
      'tessera: --slug "BAD SLUG": must be 1 to 64 lower-case letters, digits or "-", not starting or ending with "-" (form_param_value_invalid, HTTP 422)',
    ],
  ];
  it.each(cases)('%s', async (_name, args, expected) => {
    const refused = await run(...args);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toBe(expected);
  });

  it('names a password flag without echoing the password, and the flag that allows it', async () => {
    const refused = await run('users', 'update', 'alice', '--password', 'hunter2');
    expect(refused.code).toBe(1);
    const line = oneLine(refused.stderr);
    expect(line).toMatch(/^tessera: --password: /);
    expect(line).toContain('--skip-password-checks allows shorter ones');
    expect(line).not.toContain('hunter2');
  });

  it('cuts a long value and quotes JSON as a shell would take it back', async () => {
    const refused = await run(
      'users',
      'update',
      'alice',
      '--metadata',
      JSON.stringify({ a: 'x'.repeat(9000) }),
    );
    expect(oneLine(refused.stderr)).toMatch(
      /^tessera: --metadata '\{"a":"x{50,}…': must be at most 8192 bytes/,
    );
  });
});
