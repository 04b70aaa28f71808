import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { submitTicketUrl } from './support/ticket-page';

// The built binary, exactly as `npx @tessera/server` runs it (`npm test` builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'tessera-banner-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `tessera serve` in `dir`; resolves with its banner and a way to stop it. */
async function serve(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ banner: string; stop: () => Promise<unknown> }> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Try it') && output.endsWith('\n\n')) resolve(output);
    });
    child.on('exit', (code) => reject(new Error(`tessera serve exited with ${code}: ${output}`)));
  });
  const stop = () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return exited;
  };
  return { banner, stop };
}

/** The banner's CLI commands, one a line, as a reader would paste them. */
function cliCommands(banner: string): string[] {
  return banner
    .split('\n')
    .filter((line) => line.includes('npx @tessera/server '))
    .map((line) => line.trim());
}

/** Runs one pasted line in `dir`, with `npx @tessera/server` being this build. */
function paste(
  line: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `tessera() { "${process.execPath}" "${CLI}" "$@"; }\n${line.replace('npx @tessera/server', 'tessera')}`;
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', script],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('the serve banner', () => {
  it('on an empty database: says a token’s url signs the browser in, and its CLI commands run as printed', async () => {
    const server = await serve([]);
    try {
      expect(server.banner).toContain("open the token's url in a browser");
      expect(server.banner).toContain('signs the browser in');
      expect(server.banner).toContain('curl -s');
      const commands = cliCommands(server.banner);
      expect(commands).toHaveLength(2);
      expect(commands[0]).toMatch(/npx @tessera\/server users create --email alice@example\.com$/);
      expect(commands[1]).toMatch(/npx @tessera\/server tokens create --user alice@example\.com$/);

      expect((await paste(commands[0]!)).code).toBe(0);
      const token = await paste(commands[1]!);
      expect(token.code, token.stderr).toBe(0);
      expect((await submitTicketUrl(token.stdout.trim())).status).toBe(303);
    } finally {
      await server.stop();
    }
  });

  // The same folder as above: its database now holds alice.
  it('on a database that holds users: suggests a token for one, not a user that exists', async () => {
    const server = await serve([]);
    try {
      expect(server.banner).not.toContain('users create');
      expect(server.banner).not.toContain('"email_address"');
      const commands = cliCommands(server.banner);
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(/npx @tessera\/server tokens create --user alice@example\.com$/);
      const token = await paste(commands[0]!);
      expect(token.code, token.stderr).toBe(0);
      expect((await submitTicketUrl(token.stdout.trim())).status).toBe(303);
    } finally {
      await server.stop();
    }
  });

  it('puts in front of its commands the key the CLI would not find by itself', async () => {
    const server = await serve(['--db', ':memory:']);
    try {
      const commands = cliCommands(server.banner);
      expect(commands[0]).toMatch(
        /^TESSERA_API_URL=http:\/\/127\.0\.0\.1:\d+ TESSERA_SECRET_KEY=sk_test_\S+ npx/,
      );
      for (const command of commands) expect((await paste(command)).code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('on a production instance, which refuses test session tokens: suggests a sign-in token', async () => {
    const env = { TESSERA_SECRET_KEY: `sk_live_${'l'.repeat(43)}` };
    const server = await serve(['--db', ':memory:'], env);
    try {
      expect(server.banner).not.toContain('test session token');
      expect(server.banner).not.toContain('test_session_tokens');
      const commands = cliCommands(server.banner);
      expect(commands[1]).toMatch(
        /npx @tessera\/server tokens create --kind sign-in --user alice@example\.com$/,
      );
      for (const command of commands) expect((await paste(command, env)).code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('with --clerk-app-origins: names the Clerk apps and the environment they need', async () => {
    const server = await serve(['--db', ':memory:', '--clerk-app-origins', 'HTTP://127.0.0.1:3100/']);
    try {
      expect(server.banner).toContain(
        "Clerk apps       http://127.0.0.1:3100: tickets land through Clerk's handshake",
      );
      const url = /tessera is ready at (\S+)/.exec(server.banner)?.[1];
      const publishableKey = /publishable key\s+(pk_test_\S+)/.exec(server.banner)?.[1];
      expect(server.banner).toMatch(/CLERK_SECRET_KEY=sk_test_\S+ /);
      expect(server.banner).toContain(`CLERK_PUBLISHABLE_KEY=${publishableKey}`);
      expect(server.banner).toContain(`CLERK_API_URL=${url} CLERK_FAPI_URL=${url}`);
    } finally {
      await server.stop();
    }
  });
});
