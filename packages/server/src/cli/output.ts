import { UNPRINTABLE } from '@tessera/wire';
import type { CliIo } from './io';

const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the API made safe for a terminal: control and bidi-override characters become `\xNN` or
 * `\u{NNNN}`, so a value can neither drive the terminal (ESC sequences, BEL) nor reorder the line.
 * Every user-supplied value in human output goes through here (`printJson` escapes them as JSON).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE_ALL, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** One row of a table: each cell made printable and padded to its column's width. */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, column) => printable(cell).padEnd(widths[column] ?? 0))
    .join('  ')
    .trimEnd();
}

/** Prints rows as aligned columns (each cell made printable), or a note when there are none. */
export function printTable(
  io: CliIo,
  headers: readonly string[],
  rawRows: readonly (readonly string[])[],
  empty: string,
): void {
  if (rawRows.length === 0) {
    io.stdout(`${empty}\n`);
    return;
  }
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rawRows.map((row) => printable(row[column] ?? '').length)),
  );
  io.stdout(`${[headers, ...rawRows].map((row) => tableLine(row, widths)).join('\n')}\n`);
}

/**
 * JSON escapes C0 itself, but not DEL, C1 or the bidi controls: those become `\uNNNN` here, which
 * parses back to the same value (outside strings, JSON text never holds them).
 */
function escapedJson(json: string): string {
  return json.replace(
    UNESCAPED_BY_JSON,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${escapedJson(JSON.stringify(value, null, 2))}\n`);
}

/** One value as JSON on one line, for a stream of objects (`--json --follow`). */
export function printJsonLine(io: CliIo, value: unknown): void {
  io.stdout(`${escapedJson(JSON.stringify(value))}\n`);
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
