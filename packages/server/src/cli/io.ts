/** What a command may touch: injected so the CLI runs in-process in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fetch: typeof fetch;
  /** Unix ms: the reference of relative times such as `--since 15m`. */
  readonly now: () => number;
  /**
   * Calls `stop` when the user interrupts (Ctrl-C), until the returned function is called. Commands
   * that run until stopped (`audit list --follow`) use it to finish cleanly.
   */
  readonly onInterrupt: (stop: () => void) => () => void;
  /** How long `--follow` waits between two polls of the server, in ms. */
  readonly followIntervalMs: number;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  fetch: (...args) => fetch(...args),
  now: () => Date.now(),
  onInterrupt: (stop) => {
    process.once('SIGINT', stop);
    return () => process.off('SIGINT', stop);
  },
  followIntervalMs: 1000,
};

/** A failure to report as one line; `exitCode` 2 for usage and configuration, 1 otherwise. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
