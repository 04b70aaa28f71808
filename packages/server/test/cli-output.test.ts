import { afterAll, beforeAll, expect, it } from 'vitest';
import { printable } from '../src/cli/output';
import { cli } from './cli-in-process';
import { userRow } from './support/rows';
import { startTestServer, T0, type TestServer } from './support/tessera';

/**
 * The CLI's human output never passes a control or bidi-override character from user data to the
 * terminal. Rows written before the API refused them (below the API here) must print escaped.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const id = `user_${'e'.repeat(27)}`;
  const emailId = `idn_${'e'.repeat(27)}`;
  await server.tessera.context.db
    .insertInto('users')
    .values(userRow(id, T0, { username: 'evil\u001b]0;owned\u0007', primary_email_address_id: emailId }))
    .execute();
  await server.tessera.context.db
    .insertInto('email_addresses')
    .values({ id: emailId, user_id: id, email_address: 'a\u001b[2Jb\u202e@example.com', created_at: T0 })
    .execute();
});

afterAll(async () => {
  await server.close();
});

const runCli = (args: readonly string[]) => cli(server, args);

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

it('escapes control and bidi characters from user data in `users list`', async () => {
  const run = await runCli(['users', 'list']);
  expect(run.code).toBe(0);
  expect(run.stdout).not.toMatch(UNPRINTABLE);
  expect(run.stdout).toContain('a\\x1b[2Jb\\u{202e}@example.com');
  expect(run.stdout).toContain('evil\\x1b]0;owned\\x07');
});

it('keeps `--json` output valid JSON holding the exact values', async () => {
  const run = await runCli(['users', 'list', '--json']);
  expect(run.code).toBe(0);
  expect(run.stdout).not.toMatch(UNPRINTABLE);
  const [user] = JSON.parse(run.stdout);
  expect(user.username).toBe('evil\u001b]0;owned\u0007');
  expect(user.email_addresses[0].email_address).toBe('a\u001b[2Jb\u202e@example.com');
});

it('escapes C0, DEL, C1 and bidi controls and leaves other text alone', () => {
  expect(printable('\u0000\t\n\u007f\u0085\u2066é漢字 😀')).toBe(
    '\\x00\\x09\\x0a\\x7f\\x85\\u{2066}é漢字 😀',
  );
});
