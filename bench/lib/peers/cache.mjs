// The peers tessera is compared with, installed with npm into a cache folder of their own, outside the
// project's dependencies (the project never depends on them): one folder per peer and version, made
// once with `npm install --prefix`, reused by later runs. TESSERA_BENCH_PEERS_DIR moves the cache.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Exact versions, each the newest that runs on Node 20 (the project's floor, `>=20.19`):
 * firebase-admin 14, better-sqlite3 13 and kysely 0.29 need Node 22, so their last lines for 20 are
 * pinned. better-sqlite3 is the version the project's own server runs on, so both SQLite peers use the
 * same SQLite; npm builds it from source (node-gyp), the only install script allowed.
 */
export const PEERS = {
  firebase: {
    name: 'firebase-tools',
    version: '15.34.2',
    packages: { 'firebase-tools': '15.34.2', 'firebase-admin': '13.9.0' },
    allowScripts: {},
  },
  betterAuth: {
    name: 'better-auth',
    version: '1.7.25',
    packages: { 'better-auth': '1.7.25', kysely: '0.28.19', 'better-sqlite3': '12.11.1' },
    allowScripts: { 'better-sqlite3': true },
  },
};

export const cacheRoot = () =>
  process.env.TESSERA_BENCH_PEERS_DIR || join(homedir(), '.cache', 'tessera-bench-peers');

const MARKER = 'tessera-bench-install.json';
const INSTALL_TIMEOUT_MS = 30 * 60_000;

function sizeOf(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return { bytes: 0, files: 0 };
  if (!stats.isDirectory()) return { bytes: stats.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(path)) {
    const inner = sizeOf(join(path, entry));
    bytes += inner.bytes;
    files += inner.files;
  }
  return { bytes, files };
}

function npmInstall(dir, packages, log) {
  const specs = Object.entries(packages).map(([name, version]) => `${name}@${version}`);
  log(`npm install --prefix ${dir} ${specs.join(' ')}`);
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['install', '--prefix', dir, '--save-exact', '--no-audit', '--no-fund', '--loglevel=error', ...specs],
      { cwd: dir, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) =>
        error
          ? reject(new Error(`npm install of ${specs.join(' ')} failed: ${stderr.slice(-2000)}`))
          : resolve(),
    );
  });
}

/**
 * The peer's folder, installed if it is not yet (or was left half-done). Returns where it is, whether
 * this run installed it, and the install's time and size (recorded when it was made).
 */
export async function ensurePeer(peer, log) {
  const dir = join(cacheRoot(), `${peer.name}@${peer.version}`);
  const markerPath = join(dir, MARKER);
  const wanted = JSON.stringify(peer.packages);
  if (existsSync(markerPath)) {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
    if (JSON.stringify(marker.packages) === wanted) {
      log(`${peer.name}@${peer.version}: cached in ${dir} (installed ${marker.installedAt})`);
      return { dir, installedThisRun: false, ...marker };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // allowScripts: npm 11 runs only the install scripts a package.json allows.
  const manifest = { private: true, description: 'tessera bench peer', allowScripts: peer.allowScripts };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const started = performance.now();
  await npmInstall(dir, peer.packages, log);
  const seconds = (performance.now() - started) / 1000;
  const { bytes, files } = sizeOf(join(dir, 'node_modules'));
  const marker = {
    packages: peer.packages,
    installedAt: new Date().toISOString(),
    installSeconds: seconds,
    bytes,
    files,
    node: process.version,
  };
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  log(
    `${peer.name}@${peer.version}: installed in ${seconds.toFixed(0)} s, ${(bytes / 2 ** 20).toFixed(0)} MB`,
  );
  return { dir, installedThisRun: true, ...marker };
}

/** Imports `specifier` as resolved from the peer folder `dir` (its node_modules, not the project's). */
export function importFrom(dir, specifier) {
  const resolved = createRequire(join(dir, 'package.json')).resolve(specifier);
  return import(pathToFileURL(resolved).href);
}

/** The path of a file inside an installed package of the peer folder `dir`. */
export const packageFile = (dir, name, file) => join(dir, 'node_modules', name, file);
