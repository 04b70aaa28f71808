import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

// The README's "Fixtures: `tessera seed`" example, run as written with the built CLI (`npm test`
// builds first): its YAML saved as seed.yaml, then each line of the shell block after it.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages/server/dist/cli.js');

function fixturesExample(): { yaml: string; lines: string[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('### Fixtures: `tessera seed`')[1]?.split('\n## ')[0] ?? '';
  const yaml = section.match(/```yaml\n([\s\S]*?)```/)?.[1];
  const sh = section.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!yaml || !sh) throw new Error('README.md has no yaml and sh blocks under "Fixtures: `tessera seed`"');
  return { yaml, lines: sh.trim().split('\n') };
}

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A folder holding the example's seed.yaml. */
function folder(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-seed-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'seed.yaml'), yaml);
  return dir;
}

/**
 * Runs `line` (`npx @tessera/server ...`) with bash, `npx @tessera/server` being this build; `exec`, so that a server
 * stopped with SIGTERM is the CLI itself, not a shell that would leave it running.
 */
function script(line: string): string {
  expect(line.startsWith('npx @tessera/server ')).toBe(true);
  return `tessera() { exec "${process.execPath}" "${CLI}" "$@"; }\n${line.replace(/^npx @tessera\/server/, 'tessera')}`;
}

/** Starts a line that runs a server; resolves with its URL once it is ready. */
function serveLine(line: string, cwd: string): Promise<string> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script(line)], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0' },
  });
  children.push(child);
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/ready at (http:\/\/\S+)/)?.[1];
      if (url && output.includes('Try it')) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`${line} exited with ${code}: ${errors}`)));
  });
}

function run(line: string, cwd: string, apiUrl: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', script(line)],
      { cwd, env: { PATH: process.env.PATH ?? '', TESSERA_API_URL: apiUrl } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

it('runs the README’s seed example as written: the file, `tessera seed`, and `serve --seed`', async () => {
  const { yaml, lines } = fixturesExample();
  const seedLine = lines.find((line) => line.startsWith('npx @tessera/server seed '));
  const serveSeedLine = lines.find((line) => line.startsWith('npx @tessera/server serve '));
  expect(seedLine).toBeDefined();
  expect(serveSeedLine).toBeDefined();

  // `tessera seed` against a running server, twice.
  const dir = folder(yaml);
  const apiUrl = await serveLine('npx @tessera/server serve --quiet', dir);
  const first = await run(seedLine!, dir, apiUrl);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toMatch(/^Applied seed\.yaml: 5 created, 0 updated, 0 unchanged\.$/m);
  const second = await run(seedLine!, dir, apiUrl);
  expect(second.stdout).toMatch(/^seed\.yaml: nothing to change, all 5 entries are as the file says\.$/m);

  // `tessera serve --seed --session-claims` on a folder of its own.
  const other = folder(yaml);
  const seededUrl = await serveLine(serveSeedLine!, other);
  const members = await run('npx @tessera/server orgs members globex --json', other, seededUrl);
  expect(members.code, members.stderr).toBe(0);
  expect(
    JSON.parse(members.stdout)
      .map((m: { role: string }) => m.role)
      .sort(),
  ).toEqual(['org:admin', 'org:member']);
  const token = await run(
    'npx @tessera/server tokens create --user dana@example.com --json',
    other,
    seededUrl,
  );
  const { token: ticket } = JSON.parse(token.stdout) as { token: string };
  const accepted = await fetch(`${seededUrl}/v1/tickets/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  const { jwt } = (await accepted.json()) as { jwt: string };
  expect(JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
    plan: 'team',
  });
});
