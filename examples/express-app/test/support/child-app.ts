import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { sleep } from './browser';

// The example apps the browser tests drive as a person runs them: `node <entry>` in a process of its
// own, with the environment a person would give it.

/** A port nothing listens on at the moment (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ChildApp {
  readonly url: string;
  /** Everything it printed so far, for a failure's message. */
  readonly output: () => string;
  close(): Promise<void>;
}

export interface ChildAppOptions {
  /** What it is, for errors ("next start"). */
  readonly name: string;
  /** Arguments of `node`: the entry and its own. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where it answers, e.g. `http://localhost:3100`. */
  readonly url: string;
  /** A path it answers once ready (any status). */
  readonly probePath: string;
}

/** Up to 300 tries, 100 ms apart: a generous bound for an app to start on a loaded machine. */
const READY_TRIES = 300;

/** Starts the app and resolves once it answers `probePath`; fails with its output if it exits first. */
export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const child: ChildProcess = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited:\n${output}`);
    try {
      await fetch(`${options.url}${options.probePath}`);
      return { url: options.url, output: () => output, close };
    } catch {
      if (tries === READY_TRIES) {
        await close();
        throw new Error(`${options.name} did not answer:\n${output}`);
      }
      await sleep(100);
    }
  }
}
