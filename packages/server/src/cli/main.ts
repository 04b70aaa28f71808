import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { registerAgentCommands } from './commands/agents';
import { registerAuditCommands } from './commands/audit';
import { registerKeyCommands } from './commands/keys';
import { registerOrganizationCommands } from './commands/orgs';
import { registerSeedCommand } from './commands/seed';
import { registerServeCommand } from './commands/serve';
import { registerSessionCommands } from './commands/sessions';
import { registerTokenCommands } from './commands/tokens';
import { registerUserCommands } from './commands/users';
import { CliError, type CliIo, processIo } from './io';
import { CLI_VERSION } from './version';

/** Errors and output of every command go through the top-level handler and the injected io. */
function routeOutput(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const sub of command.commands) routeOutput(sub, io);
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('tessera')
    .description('tessera: sign in as any user, instantly and safely, in tests and automated flows')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .option(
      '--api-url <url>',
      'server for the client commands; env TESSERA_API_URL (default http://127.0.0.1:4000)',
    )
    .addHelpText(
      'after',
      '\nserve is the default command: `tessera` alone starts the server, and `tessera --port 4100` is\n`tessera serve --port 4100`.',
    );
  registerServeCommand(program, io);
  registerUserCommands(program, io);
  registerOrganizationCommands(program, io);
  registerSeedCommand(program, io);
  registerTokenCommands(program, io);
  registerAgentCommands(program, io);
  registerSessionCommands(program, io);
  registerAuditCommands(program, io);
  registerKeyCommands(program, io);
  routeOutput(program, io);
  return program;
}

/** What the program itself answers when no command is named: its help and its version. */
const PROGRAM_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * `serve` where no command is named: `tessera` and `tessera --port 4100` start the server. The word
 * is put after the global `--api-url` (serve refuses it), and only before an option: a first word
 * that is no command stays, so a typo still gets commander's "unknown command" and its suggestion.
 * (Commander's own default command would take that word as an argument of serve.)
 */
function withServeByDefault(argv: readonly string[]): string[] {
  let at = 0;
  while (argv[at] === '--api-url' || argv[at]?.startsWith('--api-url='))
    at += argv[at] === '--api-url' ? 2 : 1;
  const next = argv[at];
  if (at > argv.length) return [...argv]; // `--api-url` without its value: commander says so
  if (next !== undefined && (!next.startsWith('-') || PROGRAM_FLAGS.has(next))) return [...argv];
  return [...argv.slice(0, at), 'serve', ...argv.slice(at)];
}

/**
 * Runs the CLI and returns its exit code: 0 on success, 1 when the operation failed, 2 for bad
 * usage or configuration. Every failure is one line on stderr. With no command, it serves.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(withServeByDefault(argv), { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`tessera: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CliError) {
      io.stderr(`tessera: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`tessera: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
