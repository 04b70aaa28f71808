import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

// The build, not the sources: the worker is loaded by URL from beside the bundle, as in production.
const BUILT_SERVER = new URL('../dist/index.js', import.meta.url);

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-checkpoint-build-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('copies the WAL into the database file from the worker of the build', async () => {
  expect(existsSync(BUILT_SERVER), 'run npm run build').toBe(true);
  const { startTessera } = (await import(BUILT_SERVER.href)) as typeof import('../src/index');
  const path = join(dir, 'tessera.db');
  const tessera = await startTessera({ databaseUrl: path, port: 0, log: false });
  try {
    const before = statSync(path).size;
    // Far fewer pages than SQLite's own automatic checkpoint (1,000): only the worker copies these.
    for (let index = 0; index < 100; index++) {
      const response = await tessera.app.handle({
        method: 'POST',
        path: '/v1/users',
        query: new URLSearchParams(),
        headers: { authorization: `Bearer ${tessera.secretKey}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ username: `user-${index}` })),
      });
      expect(response.status).toBe(200);
    }
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before), {
      timeout: 15_000,
      interval: 50,
    });
  } finally {
    await tessera.close();
  }
});
