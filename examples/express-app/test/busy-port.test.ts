import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

// `npm run example` as a person runs it: the script itself, with the built packages.
const SCRIPT = fileURLToPath(new URL('../server.js', import.meta.url));

let holder: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
  holder = undefined;
});

/** Occupies a free port on `host`, as another program would. */
async function occupyPort(host: string): Promise<number> {
  const server = createServer();
  holder = server;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function runExample(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // It must exit by itself: an open server (the other one, already started) would keep it running.
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

it('says which port is busy and that APP_PORT picks another, closing tessera, exit code 2', async () => {
  const port = await occupyPort('localhost');
  const run = await runExample({ APP_PORT: String(port), TESSERA_PORT: '0' });
  expect(run.stderr).toBe(`example: port ${port} on localhost is in use: pick another with APP_PORT\n`);
  expect(run.code).toBe(2);
});

it('says which port is busy and that TESSERA_PORT picks another, exit code 2', async () => {
  const port = await occupyPort('127.0.0.1');
  const run = await runExample({ APP_PORT: '0', TESSERA_PORT: String(port) });
  expect(run.stderr).toBe(`example: port ${port} on 127.0.0.1 is in use: pick another with TESSERA_PORT\n`);
  expect(run.code).toBe(2);
});
