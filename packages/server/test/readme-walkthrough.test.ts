import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages/server/dist/cli.js');
const DEFAULT_API_LINE = 'API=http://127.0.0.1:4000';

/** The shell block between the README's walk-through markers. */
function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('<!-- walkthrough:start -->')[1]?.split('<!-- walkthrough:end -->')[0];
  const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!script) throw new Error('README.md has no walk-through block');
  return script;
}

function walkthroughOn(
  name: string,
  databaseUrl: () => Promise<{ url: string | undefined; cleanup(): Promise<void> }>,
) {
  describe(`the README walk-through on ${name}`, () => {
    let dir: string;
    let stopServer: () => Promise<void>;
    let apiUrl: string;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const database = await databaseUrl();
      cleanup = database.cleanup;
      // Inside the repository, so the walk-through's `import "jose"` resolves as it does for a reader.
      mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
      dir = mkdtempSync(join(ROOT, 'node_modules/.cache/tessera-readme-'));
      const env = {
        PATH: process.env.PATH ?? '',
        ...(database.url && { TESSERA_DATABASE_URL: database.url }),
      };
      const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet'], { cwd: dir, env });
      stopServer = () => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        return exited;
      };
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
      await cleanup();
    });

    it('runs as written (only the port differs)', async () => {
      const script = walkthrough();
      expect(script.split('\n')[0]).toBe(DEFAULT_API_LINE);
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'bash',
          ['-euo', 'pipefail', '-c', script.replace(DEFAULT_API_LINE, `API=${apiUrl}`)],
          { cwd: dir },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/"object":"user"/);
      expect(result.stdout).toMatch(/"status":"active".*"type":"test_session_token"/);
      expect(result.stdout).toMatch(
        /verified: user user_\w{27}, session sess_\w{27}, actor test_session_token/,
      );
    });
  });
}

walkthroughOn('the embedded SQLite default', async () => ({ url: undefined, cleanup: async () => {} }));

if (!POSTGRES_URL)
  console.warn('README walk-through on postgres: SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');
describe.skipIf(!POSTGRES_URL)('postgres', () => {
  walkthroughOn('Postgres', async () => {
    const database: TestDatabase = await createTestDatabase(POSTGRES_URL!);
    return { url: database.url, cleanup: () => database.drop() };
  });
});
