import { printable } from './output';

/** The first error of an API refusal, as the wire shapes it. */
export interface ApiFailure {
  readonly code?: string;
  readonly long_message?: string;
  readonly meta?: { readonly param_name?: string } | null;
}

/** A flag (or an argument, as `<name>`) of the command line and what was typed for it. */
export interface SentFlag {
  readonly flag: string;
  /** An array for a repeatable flag (`--email a --email b`): a refusal's `[n]` picks the entry. */
  readonly value?: string | readonly string[] | undefined;
  /** A password: the refusal names the flag, never the value. */
  readonly secret?: boolean;
}

/**
 * The flags of one request, by the API field each filled: `{ email_address: { flag: '--email', ... } }`.
 * A refusal naming the field (`email_address[0]`, `actor.sub`) is then said as the flag and its value.
 */
export type FlagsOfFields = Readonly<Record<string, SentFlag>>;

/** Longer values are cut: the line says which value, not all of it. */
const LONGEST_ECHO = 60;

/** The value as typed, quoted as a shell would take it back: JSON in single quotes, text in double. */
function echo(value: string): string {
  const shown = value.length > LONGEST_ECHO ? `${value.slice(0, LONGEST_ECHO - 1)}…` : value;
  return printable(shown.includes('"') && !shown.includes("'") ? `'${shown}'` : JSON.stringify(shown));
}

/** The value of one field: the entry of a list at `index`, or the only one. */
function valueAt(value: SentFlag['value'], index: number | undefined): string | undefined {
  if (typeof value === 'string' || value === undefined) return value;
  if (index !== undefined) return value[index];
  return value.length === 1 ? value[0] : undefined;
}

/**
 * The flag behind a refused field and the value it sent there: the field itself, an entry of a list
 * (`email_address[1]`), or the nearest enclosing field (`actor.name` is `actor`'s, `claims.a.b` is `claims`').
 */
function flagOf(
  param: string,
  flags: FlagsOfFields,
): { sent: SentFlag; value: string | undefined } | undefined {
  const exact = flags[param];
  if (exact) return { sent: exact, value: valueAt(exact.value, undefined) };
  const entry = /^(.+)\[(\d+)\]$/.exec(param);
  const list = entry ? flags[entry[1] ?? ''] : undefined;
  if (entry && list) return { sent: list, value: valueAt(list.value, Number(entry[2])) };
  const parent = param.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  return parent !== param && parent !== '' ? flagOf(parent, flags) : undefined;
}

/**
 * The API's sentence without the field it begins with (`email_address[0] must be ...` -> `must be
 * ...`), and other fields it names as their flags (`skip_password_checks` -> `--skip-password-checks`).
 * Only snake_case names are swapped: a plain word such as "username" is English as often as a field.
 */
function reasonAbout(param: string, longMessage: string, flags: FlagsOfFields): string {
  let reason = longMessage.startsWith(`${param}'s `)
    ? `its ${longMessage.slice(param.length + 3)}`
    : longMessage.startsWith(`${param} `)
      ? longMessage.slice(param.length + 1)
      : longMessage;
  for (const [field, { flag }] of Object.entries(flags))
    if (/^[a-z]+(_[a-z]+)+$/.test(field)) reason = reason.replace(new RegExp(`\\b${field}\\b`, 'g'), flag);
  return reason.replace(/\.$/, '');
}

/** `(code, HTTP status)`: what every refusal ends with, so a script or a search can find it. */
export function refusalTail(status: number, failure: ApiFailure): string {
  return `(${failure.code}, HTTP ${status})`;
}

/**
 * A refusal of a field one of `flags` filled, said as the flag and the value given:
 * `--email "not-an-email": must be an email address (form_param_value_invalid, HTTP 422)`. Undefined
 * when the refusal names no field, or one no flag filled.
 */
export function refusalOfFlag(
  status: number,
  failure: ApiFailure | undefined,
  flags: FlagsOfFields | undefined,
): string | undefined {
  const param = failure?.meta?.param_name;
  if (!failure || !param || !flags) return undefined;
  const found = flagOf(param, flags);
  if (!found) return undefined;
  const { sent, value } = found;
  const what = sent.secret || value === undefined ? sent.flag : `${sent.flag} ${echo(value)}`;
  const reason = printable(reasonAbout(param, failure.long_message ?? 'is invalid', flags));
  return `${what}: ${reason} ${refusalTail(status, failure)}`;
}
