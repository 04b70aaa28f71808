import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { type FixturesDocument, fixturesDocument, parse, type SchemaIssue } from '@tessera/wire';
import { parse as parseYaml } from 'yaml';
import { CliError } from './io';
import { printable } from './output';

/** `.yaml` and `.yml` files are YAML; any other is JSON. */
export function isYamlFile(path: string): boolean {
  return ['.yaml', '.yml'].includes(extname(path).toLowerCase());
}

/** A problem with a fixtures file: one line, `<file>: <where>: <what>`, and exit code 2. */
export function fixturesFileError(file: string, where: string | undefined, what: string): CliError {
  return new CliError(`${printable(file)}: ${where ? `${printable(where)}: ` : ''}${printable(what)}`, 2);
}

/** Whether JSON.parse of `prefix` fails before its end (a failure only at its end is a prefix's). */
function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (message.includes('end of JSON input')) return false;
    const position = /at position (\d+)/.exec(message);
    return !position || Number(position[1]) < prefix.length;
  }
}

/**
 * Where JSON.parse stops on `text`: the shortest prefix that fails before its own end ends just
 * after the mistake. (Node 20 does not give the position of every error, and quotes the text.)
 */
function jsonErrorOffset(text: string): number {
  let [low, high] = [1, text.length];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsBeforeEnd(text.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** JSON.parse's reason, without the text it quotes (a fixtures file may hold passwords), and where. */
function jsonReason(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = (message.split('\n')[0] ?? '')
    .replace(/, (\.\.\.)?".*$/, '')
    .replace(/ at position \d+$/, '')
    .replace(/ in JSON$/, '')
    .replace(/ is not valid JSON$/, '');
  if (/end of JSON input/.test(reason)) return 'the file ends too soon (a bracket or quote is not closed)';
  const before = text.slice(0, jsonErrorOffset(text)).split('\n');
  return `${reason} at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** The file's text parsed as YAML or JSON, by its extension; a syntax error is one line. */
function parseText(file: string, text: string): unknown {
  if (isYamlFile(file)) {
    try {
      return parseYaml(text);
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      throw fixturesFileError(file, undefined, `not valid YAML: ${first.replace(/:$/, '')}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fixturesFileError(file, undefined, `not valid JSON: ${jsonReason(error, text)}`);
  }
}

/** What a schema issue says, for a person editing the file (the server's words for the same issues). */
function issueText(issue: SchemaIssue): string {
  if (issue.problem === 'unknown') return 'is not a field tessera knows (check its spelling)';
  return issue.message;
}

/**
 * The server's long message starts with the path it names in `param_name` (or the end of it, for a
 * nested entry: `members[1].user`), perhaps more than once: say it once, before the message.
 */
export function withoutPath(where: string, message: string): string {
  const parts = where.split('.');
  const suffixes = parts.map((_, index) => parts.slice(index).join('.'));
  let rest = message;
  for (let again = true; again; ) {
    again = false;
    for (const suffix of suffixes) {
      if (rest.startsWith(`${suffix}: `) || rest.startsWith(`${suffix} `)) {
        rest = rest.slice(suffix.length).replace(/^:? /, '');
        again = true;
        break;
      }
    }
  }
  return rest;
}

/** The first issue as one line; how many more there are, if any. */
export function issuesError(file: string, issues: readonly SchemaIssue[]): CliError {
  const [first, ...rest] = issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  if (!first || first.path === '')
    return fixturesFileError(
      file,
      undefined,
      `must be an object of users, organizations, roles, permissions and session_token_template${more}`,
    );
  return fixturesFileError(file, first.path, `${issueText(first)}${more}`);
}

/**
 * Reads a fixtures file (`tessera seed`, `tessera serve --seed`) relative to `cwd`: parsed as YAML or
 * JSON by its extension and checked against the wire's fixtures document, so that a file with a typo
 * is refused, naming the entry and field, before anything is sent. Every failure is one line, exit 2.
 */
export function readFixturesFile(file: string, cwd: string): FixturesDocument {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fixturesFileError(
      file,
      undefined,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`,
    );
  }
  const value = parseText(file, text);
  if (value === null || value === undefined)
    throw fixturesFileError(file, undefined, 'is empty: give users, organizations, roles or permissions');
  const checked = parse(fixturesDocument, value, { unknownKeys: 'reject', request: true });
  if (!checked.ok) throw issuesError(file, checked.issues);
  // As written, not as parsed: the server applies the file's own values.
  return value as FixturesDocument;
}
