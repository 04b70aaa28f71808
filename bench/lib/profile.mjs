import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sourceMaps = new Map();

function sourceMapOf(url) {
  if (!sourceMaps.has(url)) {
    let map;
    try {
      const path = fileURLToPath(url);
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

/** Where a profiled function lives: its TypeScript source for our bundles, else the package or file. */
function locate({ url, lineNumber, columnNumber, functionName }) {
  if (!url) return functionName.startsWith('(') ? '' : '(native)';
  if (url.startsWith('node:')) return url;
  const map = url.startsWith('file:') ? sourceMapOf(url) : undefined;
  const entry = map?.findEntry(lineNumber, columnNumber);
  if (entry?.originalSource) {
    const original = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : resolve(dirname(fileURLToPath(url)), entry.originalSource);
    return `${relative(ROOT, original)}:${entry.originalLine + 1}`;
  }
  if (!url.startsWith('file:')) return url;
  const path = relative(ROOT, fileURLToPath(url));
  const inModules = path.lastIndexOf('node_modules/');
  return inModules === -1 ? `${path}:${lineNumber + 1}` : path.slice(inModules + 'node_modules/'.length);
}

const IDLE = new Set(['(idle)']);

/**
 * What a sample was doing, from its leaf frame, or for a native leaf (no URL) from the nearest
 * caller that has one: native better-sqlite3 work is reached through Kysely's SQLite driver.
 */
const CATEGORIES = [
  [
    'SQLite: preparing statements',
    (leaf) =>
      (leaf.functionName === 'Statement' && !leaf.url) ||
      (leaf.functionName === 'prepare' && leaf.url.includes('better-sqlite3')),
  ],
  [
    'SQLite: running statements',
    (leaf, caller) => !leaf.url && /better-sqlite3|dialect\/sqlite/.test(caller),
  ],
  ['RSA signing (on the main thread)', (_leaf, caller) => caller.includes('node:internal/crypto/sig')],
  ['hashes, random bytes', (_leaf, caller) => caller.startsWith('node:internal/crypto/')],
  ['Kysely: building and compiling queries', (leaf, caller) => /\/kysely\//.test(leaf.url || caller)],
  ['better-sqlite3 JS wrappers', (leaf, caller) => /better-sqlite3/.test(leaf.url || caller)],
  ['garbage collection', (leaf) => leaf.functionName === '(garbage collector)'],
  [
    'HTTP, sockets, streams',
    (_leaf, caller) => /^node:(_http|net|internal\/(streams|stream_base|http|net))|node:stream/.test(caller),
  ],
  [
    'tessera code (server, wire)',
    (_leaf, caller) => caller.startsWith('file:') && caller.includes('/packages/'),
  ],
  ['promises, timers, other', () => true],
];

function categoryOf(id, byId, parent) {
  const leaf = byId.get(id).callFrame;
  let caller = leaf.url;
  for (let node = parent.get(id); !caller && node !== undefined; node = parent.get(node)) {
    caller = byId.get(node).callFrame.url;
  }
  return CATEGORIES.find(([, test]) => test(leaf, caller ?? ''))[0];
}

/**
 * Reads a .cpuprofile and returns the functions with the most self time and, for functions in our own
 * packages, the most inclusive time (a function counted once per sample however deep it recurses).
 * Times in ms; shares are of the non-idle time.
 */
export function summarizeProfile(path, { top = 15 } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = new Map();
  const labelOf = new Map();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const name = frame.functionName || '(anonymous)';
    const where = locate(frame);
    const key = `${name} ${where}`;
    keyOf.set(node.id, key);
    labelOf.set(key, { function: name, location: where });
  }
  const self = new Map();
  const inclusive = new Map();
  const categories = new Map();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const key = keyOf.get(id);
    if (IDLE.has(byId.get(id).callFrame.functionName)) {
      idle += ms;
      return;
    }
    busy += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
    const category = categoryOf(id, byId, parent);
    categories.set(category, (categories.get(category) ?? 0) + ms);
    const seen = new Set();
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const nodeKey = keyOf.get(node);
      if (seen.has(nodeKey)) continue;
      seen.add(nodeKey);
      inclusive.set(nodeKey, (inclusive.get(nodeKey) ?? 0) + ms);
    }
  });
  const rows = (map, filter) =>
    [...map]
      .filter(([key]) => filter(labelOf.get(key)))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => ({
        ...labelOf.get(key),
        ms: Math.round(ms),
        share: share(ms),
      }));
  const share = (ms) => (busy > 0 ? Math.round((ms / busy) * 1000) / 10 : 0);
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    byCategory: [...categories]
      .sort((a, b) => b[1] - a[1])
      .map(([category, ms]) => ({ category, ms: Math.round(ms), share: share(ms) })),
    selfTime: rows(self, () => true),
    ourInclusiveTime: rows(inclusive, (label) => label.location.startsWith('packages/')),
  };
}

export function formatProfile(title, summary) {
  const line = (row) =>
    `  ${String(row.ms).padStart(6)} ms ${String(row.share.toFixed(1)).padStart(5)}%  ${row.function}  ${row.location}`;
  const percent = (share) => `${share.toFixed(1).padStart(5)}%`;
  return [
    `${title}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle (main thread, wall-clock samples)`,
    ' where the time goes:',
    ...summary.byCategory.map(
      (row) => `  ${String(row.ms).padStart(6)} ms ${percent(row.share)}  ${row.category}`,
    ),
    ' top self time:',
    ...summary.selfTime.map(line),
    ' our functions by inclusive time:',
    ...summary.ourInclusiveTime.map(line),
  ].join('\n');
}
