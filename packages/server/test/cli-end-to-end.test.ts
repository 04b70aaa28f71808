import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitTicketUrl } from './support/ticket-page';

// The built binary, exactly as `npx tessera` runs it (`npm test` builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function tessera(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** Starts `tessera serve` on a free port and resolves once its banner names the URL. */
function serve(cwd: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  const ready = new Promise<{ url: string; banner: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/ready at (http:\/\/\S+)/)?.[1];
      if (url && output.includes('Try it')) resolve({ url, banner: output });
    });
    child.on('exit', (code) => reject(new Error(`tessera serve exited with ${code}`)));
  });
  return { child, ready };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('tessera CLI against a running server', () => {
  let dir: string;
  let server: ReturnType<typeof serve>;
  let env: Record<string, string>;
  let banner: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    server = serve(dir);
    const ready = await server.ready;
    banner = ready.banner;
    env = { TESSERA_API_URL: ready.url };
  });

  afterAll(async () => {
    expect(await stop(server.child)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the keys on first start and keeps the secret key in a 0600 file', () => {
    const secretKey = readFileSync(join(dir, '.tessera', 'secret-key'), 'utf8').trim();
    expect(secretKey).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, '.tessera', 'secret-key')).mode & 0o777).toBe(0o600);
    expect(banner).toContain(secretKey);
    expect(banner).toMatch(/publishable key\s+pk_test_\S+/);
    expect(banner).toContain('curl -s');
  });

  it('creates a user, a token whose URL signs in, and lists and revokes', async () => {
    const created = await tessera(
      ['users', 'create', '--email', 'carol@example.com', '--username', 'carol', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(created.code).toBe(0);
    const user = JSON.parse(created.stdout) as { id: string; object: string };
    expect(user.object).toBe('user');

    const listed = await tessera(['users', 'list'], { cwd: dir, env });
    expect(listed.stdout).toContain(user.id);
    expect(listed.stdout).toContain('carol@example.com');

    const token = await tessera(['tokens', 'create', '--user', 'carol@example.com'], { cwd: dir, env });
    expect(token.code).toBe(0);
    const url = token.stdout.trim();
    expect(url).toMatch(/\/v1\/tickets\/accept\?ticket=tst_[A-Za-z0-9]{27}\.[A-Za-z0-9_-]{43}$/);
    // The URL answers the ticket page; its form's POST is what signs the browser in.
    const accepted = await submitTicketUrl(url);
    expect(accepted.status).toBe(303);

    const sessions = await tessera(['sessions', 'list', '--user', 'carol', '--json'], { cwd: dir, env });
    const [session] = JSON.parse(sessions.stdout) as { id: string; status: string }[];
    expect(session?.status).toBe('active');

    const revoked = await tessera(['sessions', 'revoke', session!.id], { cwd: dir, env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(session!.id);

    const pending = await tessera(['tokens', 'create', '--user', user.id, '--json'], { cwd: dir, env });
    const { id: tokenId } = JSON.parse(pending.stdout) as { id: string };
    expect((await tessera(['tokens', 'revoke', tokenId], { cwd: dir, env })).code).toBe(0);
    const tokens = await tessera(['tokens', 'list', '--status', 'revoked'], { cwd: dir, env });
    expect(tokens.stdout).toContain(tokenId);
    const byEmail = await tessera(['tokens', 'list', '--user', 'carol@example.com', '--json'], {
      cwd: dir,
      env,
    });
    expect(byEmail.code).toBe(0);
    expect((JSON.parse(byEmail.stdout) as { user_id: string }[]).every((t) => t.user_id === user.id)).toBe(
      true,
    );

    const head = await fetch(`${env.TESSERA_API_URL}/v1/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const keys = await tessera(['keys', '--pem'], { cwd: dir, env });
    expect(keys.stdout).toContain('-----BEGIN PUBLIC KEY-----');
  });

  it('says it is the CLI, so the audit log records its calls as the CLI’s', async () => {
    const created = await tessera(['users', 'create', '--email', 'dave@example.com', '--json'], {
      cwd: dir,
      env,
    });
    const user = JSON.parse(created.stdout) as { id: string };
    const token = await tessera(
      ['tokens', 'create', '--kind', 'sign-in', '--user', 'dave@example.com', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(token.code, token.stderr).toBe(0);
    const { id } = JSON.parse(token.stdout) as { id: string };
    const audit = await tessera(['audit', 'list', '--user', user.id, '--json'], { cwd: dir, env });
    const events = JSON.parse(audit.stdout) as { type: string; ticket_id: string; actor: { type: string } }[];
    expect(events).toEqual([
      expect.objectContaining({
        type: 'ticket.issued',
        ticket_id: id,
        actor: expect.objectContaining({ type: 'cli' }),
      }),
      expect.objectContaining({ type: 'user.created', actor: expect.objectContaining({ type: 'cli' }) }),
    ]);
    const version = await tessera(['--version'], { cwd: dir, env });
    const { version: expected } = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    expect(version.stdout).toBe(`${expected}\n`);
  });

  it('reports an API refusal as one line and exit code 1', async () => {
    const run = await tessera(['tokens', 'revoke', 'tst_0000000000000000000000000ab'], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('resource_not_found');
  });

  it('reports bad usage with exit code 2', async () => {
    const run = await tessera(['users', 'create', '--bogus'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const ttl = await tessera(['tokens', 'create', '--user', 'x@y.io', '--ttl', 'soon'], { cwd: dir, env });
    expect(ttl.code).toBe(2);
  });
});

describe('tessera CLI without a server', () => {
  it('says in one line that the server is not running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const run = await tessera(['users', 'list'], {
      cwd: dir,
      env: { TESSERA_API_URL: 'http://127.0.0.1:9', TESSERA_SECRET_KEY: `sk_test_${'a'.repeat(43)}` },
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot reach tessera at http://127.0.0.1:9');
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a secret key when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const run = await tessera(['users', 'list'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TESSERA_SECRET_KEY');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('tessera serve configuration', () => {
  const cases: [string, string[], Record<string, string>, string][] = [
    ['a port that is not a number', ['--port', 'abc'], {}, '--port / PORT'],
    ['a malformed secret key', [], { TESSERA_SECRET_KEY: 'sk_test_short' }, 'TESSERA_SECRET_KEY'],
    [
      'an allowed origin with a path',
      [],
      { TESSERA_ALLOWED_REDIRECT_ORIGINS: 'https://a.example.com/x' },
      'TESSERA_ALLOWED_REDIRECT_ORIGINS',
    ],
    ['an unknown database scheme', ['--db', 'mysql://x'], {}, '--db / TESSERA_DATABASE_URL'],
    ['a public URL that is not http', ['--public-url', 'ftp://x'], {}, '--public-url / TESSERA_PUBLIC_URL'],
  ];
  it.each(cases)('stops on %s with one line naming it and exit code 2', async (_name, args, env, named) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const run = await tessera(['serve', '--port', '0', ...args], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(named);
    expect(run.stderr).not.toContain('sk_test_short');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops on a file that is not a database with one line and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    writeFileSync(
      join(dir, 'junk.db'),
      'this is not a database, but it is long enough to look like one'.repeat(50),
    );
    const run = await tessera(['serve', '--port', '0', '--db', `file:${join(dir, 'junk.db')}`], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot open the database');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an http redirect origin on a production instance at start, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const run = await tessera(['serve', '--port', '0', '--db', `file:${join(dir, 't.db')}`], {
      cwd: dir,
      env: {
        TESSERA_SECRET_KEY: `sk_live_${'a'.repeat(43)}`,
        TESSERA_ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com,http://plain.example.com',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('TESSERA_ALLOWED_REDIRECT_ORIGINS lists http://plain.example.com');
    expect(run.stderr).not.toContain('a'.repeat(43));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses Clerk app origins on a production instance at start, and a malformed one anywhere, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const production = await tessera(
      ['serve', '--port', '0', '--db', ':memory:', '--clerk-app-origins', 'https://app.example.com'],
      { cwd: dir, env: { TESSERA_SECRET_KEY: `sk_live_${'a'.repeat(43)}` } },
    );
    expect(production.code).toBe(2);
    expect(production.stderr.trim().split('\n')).toHaveLength(1);
    expect(production.stderr).toContain('TESSERA_CLERK_APP_ORIGINS is for development instances only');
    expect(production.stderr).not.toContain('a'.repeat(43));
    const malformed = await tessera(['serve', '--port', '0', '--db', ':memory:'], {
      cwd: dir,
      env: { TESSERA_CLERK_APP_ORIGINS: 'http://127.0.0.1:3100,not a url' },
    });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
    expect(malformed.stderr).toContain('--clerk-app-origins / TESSERA_CLERK_APP_ORIGINS');
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the socket limits as flags: a bad one stops start-up in one line, a cap holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const bad = await tessera(['serve', '--db', ':memory:', '--max-connections', '0'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--max-connections / TESSERA_MAX_CONNECTIONS');

    const capped = serve(dir, ['--db', ':memory:', '--max-connections', '1']);
    const { port } = new URL((await capped.ready).url);
    const held = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => held.once('connect', resolve));
    const refused = connect(Number(port), '127.0.0.1');
    refused.on('error', () => {});
    let answered = '';
    refused.on('data', (chunk: Buffer) => {
      answered += chunk.toString();
    });
    refused.write('GET /v1/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await new Promise((resolve) => refused.once('close', resolve));
    expect(answered).toBe('');
    held.destroy();
    await stop(capped.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the instance across restarts and does not print a pinned key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const first = serve(dir);
    const firstBanner = (await first.ready).banner;
    await stop(first.child);
    const second = serve(dir);
    const secondBanner = (await second.ready).banner;
    await stop(second.child);
    const instanceOf = (text: string) => text.match(/instance (ins_\w+)/)?.[1];
    expect(instanceOf(secondBanner)).toBe(instanceOf(firstBanner));

    const pinned = `sk_test_${'p'.repeat(40)}`;
    const memory = serve(dir, ['--db', ':memory:'], { TESSERA_SECRET_KEY: pinned });
    const memoryBanner = (await memory.ready).banner;
    await stop(memory.child);
    expect(memoryBanner).toContain('$TESSERA_SECRET_KEY');
    expect(memoryBanner).not.toContain(pinned);
    const generated = readFileSync(join(dir, '.tessera', 'secret-key'), 'utf8').trim();
    expect(firstBanner).toContain(generated);
    expect(secondBanner).not.toContain(generated);
    expect(secondBanner).toContain('in .tessera/secret-key');
    rmSync(dir, { recursive: true, force: true });
  });
});
