import type { FixturesResultJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, ApiRequestError, createApiClient } from '../api-client';
import { fixturesFileError, readFixturesFile, withoutPath } from '../fixtures-file';
import type { CliIo } from '../io';
import { printable, printJson, printTable } from '../output';

const KINDS = ['permissions', 'roles', 'users', 'organizations', 'memberships'] as const;

/** The server's refusal of the document, as `<file>: <entry.field>: <what>`. */
function refusal(file: string, error: ApiRequestError) {
  const where = error.failure?.meta?.param_name;
  const message = (error.failure?.long_message ?? error.message).replace(/\.$/, '');
  return fixturesFileError(file, where, where === undefined ? message : withoutPath(where, message));
}

function summary(file: string, result: FixturesResultJSON): string {
  const total = (counts: FixturesResultJSON['created']) => KINDS.reduce((sum, kind) => sum + counts[kind], 0);
  const [created, updated, unchanged] = [result.created, result.updated, result.unchanged].map(total);
  if (created === 0 && updated === 0)
    return `${printable(file)}: nothing to change, all ${unchanged} entries are as the file says.\n`;
  return `Applied ${printable(file)}: ${created} created, ${updated} updated, ${unchanged} unchanged.\n`;
}

export function registerSeedCommand(program: Command, io: CliIo): void {
  program
    .command('seed')
    .description('create or update users, organizations, roles and memberships from a file, all or nothing')
    .argument('<file>', 'a JSON file, or YAML when it ends in .yaml or .yml')
    .option('--json', 'print the counts as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The file holds any of: users, organizations (with their members), roles, permissions and',
        'session_token_template, as POST /v1/fixtures takes them. An entry is found by its id when it has',
        'one, else a user by its first email address or username and an organization by its slug; one',
        'that already matches is left alone, so seeding twice changes nothing the second time.',
        '',
        'A file with a mistake changes nothing: one line names the entry and field, exit code 2.',
        '',
        'Example seed.yaml:',
        '  users:',
        '    - email_address: [alice@example.com]',
        '      first_name: Alice',
        '      public_metadata: { plan: pro }',
        '    - id: user_bob',
        '      username: bob',
        '  organizations:',
        '    - name: Acme Inc',
        '      slug: acme',
        '      members:',
        '        - { user: alice@example.com, role: org:admin }',
        '        - { user: bob, role: org:member }',
        '',
        '  $ tessera seed seed.yaml',
        '  $ tessera serve --seed seed.yaml   (applies it once at start)',
      ].join('\n'),
    )
    .action(async (file: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const document = readFixturesFile(file, io.cwd);
      let result: FixturesResultJSON;
      try {
        result = await createApiClient(io, apiUrl).request<FixturesResultJSON>('POST', '/v1/fixtures', {
          body: document,
        });
      } catch (error) {
        // A refusal that names a place in the document is the file's mistake: exit code 2, as for a typo.
        if (error instanceof ApiRequestError && (error.failure?.meta?.param_name || error.status === 422))
          throw refusal(file, error);
        throw error;
      }
      if (options.json) return printJson(io, result);
      io.stdout(summary(file, result));
      const rows = KINDS.filter(
        (kind) => result.created[kind] + result.updated[kind] + result.unchanged[kind] > 0,
      ).map((kind) => [
        kind,
        String(result.created[kind]),
        String(result.updated[kind]),
        String(result.unchanged[kind]),
      ]);
      if (rows.length > 0) printTable(io, ['', 'CREATED', 'UPDATED', 'UNCHANGED'], rows, '');
    });
}
