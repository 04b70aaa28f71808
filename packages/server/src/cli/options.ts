import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './io';

const IN_WORDS = [
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
] as const;

/** `2592000` -> `2592000 (30 days)`: a bound a person can check at a glance. */
function secondsInWords(total: number): string {
  const [unit, name] = IN_WORDS.find(([size]) => total >= size && total % size === 0) ?? [1, 'second'];
  const count = total / unit;
  return unit === 1 ? String(total) : `${total} (${count} ${name}${count === 1 ? '' : 's'})`;
}

/**
 * A whole number of seconds from a flag within the API's bounds, checked before any request; undefined
 * when the flag is absent.
 */
export function seconds(
  option: string,
  raw: string | undefined,
  bounds: { readonly min: number; readonly max: number },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= bounds.min && value <= bounds.max)) {
    throw new CliError(
      `${option} must be a whole number of seconds from ${bounds.min} to ${secondsInWords(bounds.max)} (got "${raw}")`,
      2,
    );
  }
  return value;
}

/** A page size for a list: a whole number from 1 to 500. */
export function limit(raw: string): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= 500))
    throw new CliError(`--limit must be a number from 1 to 500 (got "${raw}")`, 2);
  return value;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A point in time from a flag, as Unix ms: an ISO 8601 time (`2025-01-15T12:00:00Z`, or a date
 * alone, UTC) or a duration back from `now` (`90s`, `15m`, `2h`, `7d`).
 */
export function pointInTime(option: string, raw: string, now: number): number {
  const relative = /^(\d+)([smhd])$/.exec(raw);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  const time = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new CliError(
      `${option} must be an ISO time such as 2025-01-15T12:00:00Z, or a duration back from now such as 15m, 2h or 7d (got "${raw}")`,
      2,
    );
  }
  return time;
}

/** A JSON object from a flag; anything else is a usage error naming the flag. */
export function jsonObjectOption(option: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'not JSON';
    throw new CliError(`${option} is not valid JSON (${reason}); give an object such as '{"name":"Ada"}'`, 2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new CliError(`${option} must be a JSON object such as '{"name":"Ada"}', not ${kind}`, 2);
  }
  return value as Record<string, unknown>;
}

/**
 * A JSON object given inline or, as `@path`, in a file (relative to `cwd`): `--session-claims
 * @claims.json`. A file that cannot be read is a usage error naming the flag and the file.
 */
export function jsonObjectOrFile(option: string, raw: string, cwd: string): Record<string, unknown> {
  if (!raw.startsWith('@')) return jsonObjectOption(option, raw);
  const path = raw.slice(1);
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError(`${option}: cannot read ${path} (${reason})`, 2);
  }
  return jsonObjectOption(`${option} (${path})`, text);
}

/** A whole number from a flag within bounds; anything else is a usage error naming the flag. */
export function wholeNumber(option: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new CliError(`${option} must be a whole number from ${min} to ${max} (got "${raw}")`, 2);
  return value;
}
