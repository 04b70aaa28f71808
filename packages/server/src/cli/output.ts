import { UNPRINTABLE } from '@tessera/wire';
import type { CliIo } from './io';

const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');

/**
 * Text from the API made safe for a terminal: control and bidi-override characters become `\xNN` or
 * `\u{NNNN}`, so a value can neither drive the terminal (ESC sequences, BEL) nor reorder the line.
 * Every user-supplied value in human output goes through here; `--json` already escapes them.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE_ALL, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Prints rows as aligned columns (each cell made printable), or a note when there are none. */
export function printTable(
  io: CliIo,
  headers: readonly string[],
  rawRows: readonly (readonly string[])[],
  empty: string,
): void {
  const rows = rawRows.map((row) => row.map(printable));
  if (rows.length === 0) {
    io.stdout(`${empty}\n`);
    return;
  }
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  io.stdout(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
