import { cpus } from 'node:os';

/**
 * One line of the table. `ours` and `baseline` are { value, unit } (baseline also has a `name`);
 * `ratio` is ours / baseline; `target` says which of the two it judges ({ on: 'ratio' | 'ours',
 * op: '>=' | '<=' | '<' | '==', value, text }). Rows without a target are reported, not judged.
 */
export function row({ scenario, metric, ours, baseline, ratio, target, details }) {
  const judged = target === undefined ? undefined : target.on === 'ratio' ? ratio : ours.value;
  const pass = target === undefined ? null : compare(judged, target.op, target.value);
  return { scenario, metric, ours, baseline, ratio, target, pass, details };
}

function compare(actual, op, expected) {
  if (actual === undefined || actual === null || Number.isNaN(actual)) return false;
  if (op === '>=') return actual >= expected;
  if (op === '<=') return actual <= expected;
  if (op === '<') return actual < expected;
  if (op === '==') return actual === expected;
  throw new Error(`unknown comparison ${op}`);
}

/** A scenario that could not run: the harness or the code under test broke, which is never a pass. */
export function errorRow(scenario, metric, error) {
  return { scenario, metric, error: error instanceof Error ? error.message : String(error), pass: false };
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatValue(measure) {
  if (!measure) return '';
  const { value, unit } = measure;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'number' || Number.isNaN(value)) return String(value);
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
  if (unit === 'KB') return `${value.toFixed(1)} KB`;
  if (unit === 'MB') return `${value.toFixed(2)} MB`;
  return `${grouped.format(value)} ${unit}`;
}

const formatRatio = (ratio) =>
  typeof ratio === 'number' && Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '';

function cells(result) {
  const verdict = result.error ? 'ERROR' : result.pass === null ? 'info' : result.pass ? 'pass' : 'FAIL';
  return [
    String(result.scenario),
    result.metric,
    result.error ? result.error : formatValue(result.ours),
    result.error ? '' : result.baseline ? `${formatValue(result.baseline)} (${result.baseline.name})` : '',
    result.error ? '' : formatRatio(result.ratio),
    result.target?.text ?? '',
    verdict,
  ];
}

const HEADERS = ['#', 'scenario', 'ours', 'baseline', 'ratio', 'target', 'result'];

export function formatTable(results) {
  const table = [HEADERS, ...results.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const render = (line) =>
    line
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [
    render(table[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...table.slice(1).map(render),
  ].join('\n');
}

export function formatMarkdownTable(results) {
  const escapePipes = (cell) => cell.replaceAll('|', '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...results.map((result) => `| ${cells(result).map(escapePipes).join(' | ')} |`),
  ].join('\n');
}

export function machine() {
  const [first] = cpus();
  return {
    cpus: cpus().length,
    cpuModel: first?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
