// Each server started the way its docs start it, as a command in a process of its own, and timed the
// same way for all three: from spawn to the first 200 from its health check, polled every 5 ms.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../processes.mjs';
import { packageFile } from './cache.mjs';

const TESSERA_CLI = fileURLToPath(new URL('../../../packages/server/bin/tessera.js', import.meta.url));
const BETTER_AUTH_SERVER = fileURLToPath(new URL('./better-auth-server.mjs', import.meta.url));
export const FIREBASE_PROJECT = 'demo-tessera-bench';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/** A port nothing listens on now (the emulator wants its ports in firebase.json, not 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function statusOf(url) {
  return new Promise((resolve) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    }).on('error', () => resolve(undefined));
  });
}

/**
 * CPU time (user + system, every thread) a process has used so far, in ms, from /proc (Linux; USER_HZ
 * 100, so in steps of 10 ms); undefined elsewhere. Less moved than wall time by a busy shared host.
 */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Spawns `command args` and waits for a 200 from `healthUrl`. Returns the milliseconds that took, the
 * CPU time the process used meanwhile, and `stop()` (SIGTERM, SIGKILL after 15 s). Fails with the
 * process's last output if it exits first.
 */
export async function spawnUntilHealthy(name, { command, args, cwd, healthUrl }) {
  const started = performance.now();
  const child = track(spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exit;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const stop = async () => {
    if (exit) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  while (!exit && performance.now() - started < READY_TIMEOUT_MS) {
    if ((await statusOf(healthUrl)) === 200) {
      const ms = performance.now() - started;
      return { ms, cpuMs: cpuMsOf(child.pid), pid: child.pid, stop, output: () => output };
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stop();
  // The gist of what it printed on one line: no stack frames, the last 600 characters.
  const printed = output
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s+at /.test(line))
    .join(' / ')
    .slice(-600);
  throw new Error(
    exit
      ? `${name} exited (${JSON.stringify(exit)}) before ${healthUrl} answered 200: ${printed}`
      : `${name}: ${healthUrl} did not answer 200 within ${READY_TIMEOUT_MS} ms: ${printed}`,
  );
}

/** `tessera serve` on a file SQLite database (new or existing), as scenario 5 starts it. */
export async function startTesseraCli({ dbPath }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [TESSERA_CLI, 'serve', '--port', String(port), '--quiet', '--db', `file:${dbPath}`];
  const started = await spawnUntilHealthy('tessera serve', {
    command: process.execPath,
    args,
    healthUrl: `${url}/v1/health`,
  });
  return { ...started, url };
}

/**
 * The Firebase Auth emulator alone, as its docs start it: `firebase emulators:start --only auth` with a
 * demo project (no Google account, nothing reached outside) and a firebase.json that gives the ports
 * and turns the Emulator UI off. It runs in Node; Java is only for other emulators.
 */
export async function startFirebaseEmulator({ dir, workDir }) {
  const [auth, hub, logging] = [await freePort(), await freePort(), await freePort()];
  mkdirSync(workDir, { recursive: true });
  const emulators = {
    auth: { host: '127.0.0.1', port: auth },
    hub: { host: '127.0.0.1', port: hub },
    logging: { host: '127.0.0.1', port: logging },
    ui: { enabled: false },
  };
  writeFileSync(join(workDir, 'firebase.json'), JSON.stringify({ emulators }));
  const started = await spawnUntilHealthy('firebase emulators:start --only auth', {
    command: process.execPath,
    args: [
      packageFile(dir, 'firebase-tools', 'lib/bin/firebase.js'),
      'emulators:start',
      '--only',
      'auth',
      '--project',
      FIREBASE_PROJECT,
    ],
    cwd: workDir,
    healthUrl: `http://127.0.0.1:${auth}/`,
  });
  return { ...started, host: `127.0.0.1:${auth}`, url: `http://127.0.0.1:${auth}` };
}

/** Better Auth's handler on node:http (better-auth-server.mjs), migrating the SQLite file first. */
export async function startBetterAuth({ dir, dbPath }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await spawnUntilHealthy('better-auth server', {
    command: process.execPath,
    args: [BETTER_AUTH_SERVER, dir, dbPath, String(port)],
    healthUrl: `${url}/api/auth/ok`,
  });
  return { ...started, url };
}
