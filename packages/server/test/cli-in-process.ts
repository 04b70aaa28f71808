import type { CliIo } from '../src/cli/io';
import { main } from '../src/cli/main';
import type { TestServer } from './support/tessera';

/** A CLI run in this process against a real server (over its socket), with its output captured. */
export interface CliRun {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** What Ctrl-C does to the real CLI: commands that run until stopped finish cleanly. */
  readonly interrupt: () => void;
  /** The exit code, once the command has finished. */
  readonly exited: Promise<number>;
}

/** What a test may change of the CLI's surroundings: by default, the server's key and URL in the environment. */
export type CliOverrides = Partial<Pick<CliIo, 'now' | 'followIntervalMs' | 'env' | 'cwd'>>;

export function startCli(server: TestServer, args: readonly string[], overrides: CliOverrides = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const interrupted = new AbortController();
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { TESSERA_SECRET_KEY: server.secretKey, TESSERA_API_URL: server.tessera.url },
    cwd: process.cwd(),
    fetch: (...fetchArgs) => fetch(...fetchArgs),
    now: () => server.clock.now(),
    onInterrupt: (stop) => {
      interrupted.signal.addEventListener('abort', stop);
      return () => interrupted.signal.removeEventListener('abort', stop);
    },
    followIntervalMs: 20,
    ...overrides,
  };
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: () => interrupted.abort(),
    exited: main(args, io),
  };
}

/** Runs a command to its end: its exit code and output. */
export async function cli(
  server: TestServer,
  args: readonly string[],
  overrides: CliOverrides = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(server, args, overrides);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
