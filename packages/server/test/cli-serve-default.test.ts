import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io';
import { main } from '../src/cli/main';

// The built binary, exactly as `npx @tessera/server` runs it (`npm test` builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with `args` in a fresh folder; resolves with its banner once it is ready. */
function start(args: readonly string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-default-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  children.push(child);
  let output = '';
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready at http:\/\/\S+/.test(output) && output.includes('Try it')) resolve(output);
    });
    child.on('exit', (code) => reject(new Error(`tessera exited with ${code}: ${output}`)));
  });
  return { child, banner };
}

describe('serve is the default command', () => {
  it('starts with no arguments at all, as `tessera serve` does, and stops on SIGTERM', async () => {
    const { child, banner } = start([], { PORT: '0' });
    expect(await banner).toMatch(
      /^tessera is ready at http:\/\/127\.0\.0\.1:\d+ \(development instance ins_\w+\)$/m,
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('takes serve’s flags without the word serve', async () => {
    const { banner } = start(['--port', '0', '--db', ':memory:', '--quiet']);
    expect(await banner).toContain(':memory: (nothing is kept after exit)');
  });
});

/** The CLI in this process, for what ends without a server. */
async function runCli(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    cwd: tmpdir(),
    fetch: () => Promise.reject(new Error('no request is expected')),
    now: () => Date.now(),
    onInterrupt: () => () => {},
    followIntervalMs: 20,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('without the word serve', () => {
  it('--help still prints the help, which says serve is the default', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tessera /);
    expect(help.stdout).toContain('serve is the default command');
  });

  it('a mistyped command is still an unknown command, not an argument of serve', async () => {
    const typo = await runCli(['usres', 'list']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'usres'");
  });

  it('refuses --api-url, which is where clients look, not where the server listens', async () => {
    for (const args of [
      ['--api-url', 'http://127.0.0.1:4100'],
      ['--api-url=http://127.0.0.1:4100', 'serve'],
    ]) {
      const refused = await runCli(args);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain('--api-url is for the client commands');
      expect(refused.stderr).toContain('--port');
    }
  });
});
