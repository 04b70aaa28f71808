import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages/server/dist/cli.js');

/** The commands of the README's "The CLI" section, one a line. */
function cliSection(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## The CLI')[1]?.split('\n## ')[0];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README.md has no sh block under "The CLI"');
  return block.trim().split('\n');
}

let dir: string;
let apiUrl: string;
let stopServer: () => Promise<void>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-cli-readme-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
  });
  stopServer = () =>
    new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  apiUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/ready at (http:\/\/\S+)/)?.[1];
      if (url) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`tessera serve exited with ${code}`)));
  });
});

afterAll(async () => {
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the README’s CLI examples as written, in order', async () => {
  const lines = cliSection();
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) {
    expect(line.startsWith('npx @tessera/server ')).toBe(true);
    // `npx @tessera/server` runs the installed bin, which is this build.
    const script = `tessera() { "${process.execPath}" "${CLI}" "$@"; }\n${line.replace(/^npx @tessera\/server/, 'tessera')}`;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', script],
        { cwd: dir, env: { PATH: process.env.PATH ?? '', TESSERA_API_URL: apiUrl } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
    expect(run.code, `${line}\n${run.stderr}`).toBe(0);
    expect(run.stdout, line).not.toBe('');
  }
});
