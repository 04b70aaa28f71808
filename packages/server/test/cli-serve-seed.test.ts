import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSecretKey } from './support/tessera';

// `tessera serve --seed` and `--session-claims`, run as `npx tessera` runs them (`npm test` builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
const secretKey = newSecretKey();
let children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-serve-seed-'));
});

afterEach(async () => {
  for (const child of children) await stop(child);
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

function tessera(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', TESSERA_SECRET_KEY: secretKey, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** Starts `tessera serve` and resolves with its URL and banner once it is ready. */
function serve(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', TESSERA_SECRET_KEY: secretKey, ...env },
  });
  children.push(child);
  let output = '';
  return new Promise<{ url: string; banner: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/ready at (http:\/\/\S+)/)?.[1];
      if (url && output.includes('Try it')) resolve({ url, banner: output });
    });
    child.on('exit', (code) => reject(new Error(`tessera serve exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

const SEED = `users:
  - email_address: [alice@example.com]
    public_metadata: { plan: pro }
organizations:
  - name: Acme Inc
    slug: acme
    members:
      - { user: alice@example.com, role: org:admin }
`;

/** The claims of the first JWT of a test session token for the user, accepted without a browser. */
async function sessionClaims(url: string, args: string[] = []): Promise<Record<string, unknown>> {
  const env = { TESSERA_API_URL: url };
  const created = await tessera(['tokens', 'create', '--user', 'alice@example.com', ...args], env);
  expect(created.code, created.stderr).toBe(0);
  const ticket = new URL(created.stdout.trim()).searchParams.get('ticket');
  const accepted = await fetch(`${url}/v1/tickets/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  const { jwt } = (await accepted.json()) as { jwt: string };
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

describe('tessera serve --seed and --session-claims', () => {
  it('applies the seed before listening and sets the session claims', async () => {
    writeFileSync(join(dir, 'seed.yaml'), SEED);
    const { url, banner } = await serve([
      '--db',
      ':memory:',
      '--seed',
      'seed.yaml',
      '--session-claims',
      '{"plan":"{{user.public_metadata.plan}}","org":"{{org.slug}}"}',
    ]);
    expect(banner).toMatch(/^ {2}seed\s+seed\.yaml applied$/m);
    expect(banner).toContain('session claims');

    const members = await tessera(['orgs', 'members', 'acme', '--json'], { TESSERA_API_URL: url });
    expect(JSON.parse(members.stdout)).toEqual([
      expect.objectContaining({
        role: 'org:admin',
        public_user_data: expect.objectContaining({ identifier: 'alice@example.com' }),
      }),
    ]);
    expect(await sessionClaims(url, ['--org', 'acme'])).toMatchObject({ plan: 'pro', org: 'acme' });
  });

  it('takes the claims from TESSERA_SESSION_CLAIMS or from a file, and the seed from TESSERA_SEED', async () => {
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify({ users: [{ email_address: ['alice@example.com'] }] }),
    );
    writeFileSync(join(dir, 'claims.json'), '{"from":"file"}');
    const fromEnv = await serve(['--db', ':memory:'], {
      TESSERA_SEED: 'seed.json',
      TESSERA_SESSION_CLAIMS: '{"from":"env"}',
    });
    expect(await sessionClaims(fromEnv.url)).toMatchObject({ from: 'env' });
    const fromFile = await serve(
      ['--db', ':memory:', '--seed', 'seed.json', '--session-claims', '@claims.json'],
      {
        TESSERA_SESSION_CLAIMS: '{"from":"env"}',
      },
    );
    expect(await sessionClaims(fromFile.url)).toMatchObject({ from: 'file' });
  });

  it('applies the same seed on every start without changing it', async () => {
    writeFileSync(join(dir, 'seed.yaml'), SEED);
    const db = `file:${join(dir, 't.db')}`;
    const first = await serve(['--db', db, '--seed', 'seed.yaml']);
    await stop(children[0]!);
    const second = await serve(['--db', db, '--seed', 'seed.yaml']);
    const users = await tessera(['users', 'list', '--json'], { TESSERA_API_URL: second.url });
    expect(JSON.parse(users.stdout)).toHaveLength(1);
    expect(first.url).toMatch(/^http:/);
  });
});

describe('tessera serve with a bad seed or bad claims', () => {
  const cases: [string, string, string[], Record<string, string>, string][] = [
    [
      'a seed entry the schema refuses',
      'users:\n  - email_address: [ok@example.com]\n  - email_address: [nope]\n',
      [],
      {},
      'tessera: seed.yaml: users[1].email_address[0]: must be an email address',
    ],
    [
      'a seed the server refuses (a member no user is)',
      'users:\n  - email_address: [first@example.com]\norganizations:\n  - name: Acme\n    members:\n      - { user: ghost@example.com, role: org:member }\n',
      [],
      {},
      'tessera: seed.yaml: organizations[0].members[0].user: No user is ghost@example.com',
    ],
    ['a seed that does not parse', 'users: [\n', [], {}, 'tessera: seed.yaml: not valid YAML: '],
    [
      'reserved session claims',
      'users:\n  - email_address: [first@example.com]\n',
      ['--session-claims', '{"sub":"me"}'],
      {},
      'tessera: --session-claims / TESSERA_SESSION_CLAIMS: "sub" is set by tessera',
    ],
    [
      'session claims that are not JSON',
      'users:\n  - email_address: [first@example.com]\n',
      [],
      { TESSERA_SESSION_CLAIMS: '{plan: pro}' },
      'tessera: --session-claims / TESSERA_SESSION_CLAIMS is not valid JSON',
    ],
  ];

  it.each(cases)(
    'stops on %s with one line and exit code 2, applying nothing',
    async (_name, seed, args, env, says) => {
      writeFileSync(join(dir, 'seed.yaml'), seed);
      const db = `file:${join(dir, 't.db')}`;
      const refused = await tessera(
        ['serve', '--port', '0', '--db', db, '--seed', 'seed.yaml', ...args],
        env,
      );
      expect(refused.code, refused.stderr).toBe(2);
      expect(oneLine(refused.stderr).startsWith(says), refused.stderr).toBe(true);
      expect(refused.stdout).toBe('');

      // Nothing of the seed was kept: a start without it finds no user.
      const { url } = await serve(['--db', db]);
      const users = await tessera(['users', 'list', '--json'], { TESSERA_API_URL: url });
      expect(JSON.parse(users.stdout)).toEqual([]);
    },
  );

  it('names a seed file that is not there', async () => {
    const refused = await tessera(['serve', '--port', '0', '--db', ':memory:', '--seed', 'missing.yaml']);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toBe('tessera: missing.yaml: no such file');
  });
});
