import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type RunningTessera, startTessera } from '@tessera/server';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES } from './runtimes/scenario.mjs';

/**
 * The built SDK, as a user of each runtime gets it, runs one scenario (runtimes/scenario.mjs: the
 * client, verifyToken with a PEM and with the JWKS, authenticateRequest, a tampered and an expired
 * token) against a real tessera server. The scenario runs in a throwaway project outside this
 * repository, whose node_modules/@tessera/backend is this package: no tsconfig `paths` (which Bun
 * would follow to the sources) and no workspace. The root `pretest` builds dist/.
 */
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const backend = join(repository, 'packages/backend');
const bin = (name: string) => join(repository, 'node_modules/.bin', name);
const scenarioUrl = new URL('./runtimes/scenario.mjs', import.meta.url).href;
/** A runtime that does not answer within this is a failure, not a hang. */
const RUN_TIMEOUT_MS = 30_000;

const builds = { node: 'dist/node/index.js', web: 'dist/web/index.js' } as const;
type Build = keyof typeof builds;

interface ScenarioResult {
  /** The file the SDK was loaded from (for workerd: the one esbuild bundled). */
  readonly module: string;
  readonly checks: readonly { name: string; ok: boolean; ms?: number; error?: string }[];
}

let tessera: RunningTessera;
let project: string;

beforeAll(async () => {
  for (const file of Object.values(builds)) {
    if (!existsSync(join(backend, file)))
      throw new Error(`packages/backend/${file} is missing: run npm run build`);
  }
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  project = mkdtempSync(join(tmpdir(), 'tessera-runtimes-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  mkdirSync(join(project, 'node_modules/@tessera'), { recursive: true });
  symlinkSync(backend, join(project, 'node_modules/@tessera/backend'), 'dir');
});

afterAll(async () => {
  await tessera?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** The scenario's settings, as a deployment would have them in its environment. */
const settings = () => ({ TESSERA_API_URL: tessera.url, TESSERA_SECRET_KEY: tessera.secretKey! });

/** Writes an entry module that imports the SDK by `specifier` and prints the scenario's result. */
function writeEntry(name: string, specifier: string): string {
  const path = join(project, `${name}.mjs`);
  writeFileSync(
    path,
    `import * as sdk from ${JSON.stringify(specifier)};
import { runScenario } from ${JSON.stringify(scenarioUrl)};
const env = globalThis.Deno ? (key) => Deno.env.get(key) : (key) => process.env[key];
const result = await runScenario(sdk, {
  apiUrl: env('TESSERA_API_URL'),
  secretKey: env('TESSERA_SECRET_KEY'),
  label: ${JSON.stringify(name.replaceAll('-', '_'))},
});
console.log(JSON.stringify({ module: import.meta.resolve(${JSON.stringify(specifier)}), ...result }));
`,
  );
  return path;
}

/** Kills `child` if it is still running after `ms`, so a stuck runtime fails the test. */
function deadline(child: ChildProcess, ms: number): () => void {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return () => clearTimeout(timer);
}

/** Runs `command` to its end and parses the JSON line it prints. */
async function runProcess(command: string, args: string[]): Promise<ScenarioResult> {
  const child = spawn(command, args, {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...settings() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cancel = deadline(child, RUN_TIMEOUT_MS);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  cancel();
  if (code !== 0) throw new Error(`${command} exited with ${code ?? signal}:\n${stderr}${stdout}`);
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as ScenarioResult;
  } catch {
    throw new Error(`${command} printed no result:\n${stderr}${stdout}`);
  }
}

/** Bundles the web build into a worker module, serves it with workerd and asks it to run the scenario. */
async function runWorkerd(): Promise<ScenarioResult> {
  const entry = join(project, 'worker-entry.mjs');
  writeFileSync(
    entry,
    `import * as sdk from '@tessera/backend';
import { runScenario } from ${JSON.stringify(fileURLToPath(scenarioUrl))};
export default {
  async fetch(_request, env) {
    const result = await runScenario(sdk, {
      apiUrl: env.TESSERA_API_URL,
      secretKey: env.TESSERA_SECRET_KEY,
      label: 'workerd',
    });
    return Response.json(result);
  },
};
`,
  );
  // What wrangler does for a Worker: ESM, no Node built-ins, the workerd/worker/browser conditions.
  const bundle = await build({
    entryPoints: [entry],
    outfile: join(project, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    absWorkingDir: project,
    tsconfigRaw: {},
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(bundle.metafile.inputs).map((path) => join(project, path));
  const sdkFiles = inputs.filter((path) => path.startsWith(`${backend}/dist/`));
  if (sdkFiles.some((path) => !path.startsWith(`${backend}/dist/web/`))) {
    throw new Error(`the worker bundle has files of another build: ${sdkFiles.join(', ')}`);
  }
  const output = Object.values(bundle.metafile.outputs)[0]!;
  if (output.imports.length > 0)
    throw new Error(`the worker bundle imports ${JSON.stringify(output.imports)}`);

  const env = settings();
  writeFileSync(
    join(project, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The default outbound allows public addresses only; tessera listens on 127.0.0.1.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "TESSERA_API_URL", text = ${JSON.stringify(env.TESSERA_API_URL)}),
    (name = "TESSERA_SECRET_KEY", text = ${JSON.stringify(env.TESSERA_SECRET_KEY)}),
  ],
  globalOutbound = "internet",
);
`,
  );
  // workerd reports the port it bound (port 0 above) as a JSON line on the control fd.
  const child = spawn(bin('workerd'), ['serve', 'workerd.capnp', '--control-fd=3'], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const cancel = deadline(child, RUN_TIMEOUT_MS);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`workerd exited with ${code ?? signal}:\n${stderr}`)),
      );
      createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => {
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (event.event === 'listen' && event.socket === 'http') resolve(event.port!);
      });
    });
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
    });
    if (!response.ok)
      throw new Error(`the worker answered ${response.status}:\n${await response.text()}\n${stderr}`);
    const result = (await response.json()) as Omit<ScenarioResult, 'module'>;
    return {
      module: pathToFileURL(sdkFiles.find((path) => path.endsWith('/index.js')) ?? '?').href,
      ...result,
    };
  } finally {
    cancel();
    child.kill();
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
}

interface Case {
  readonly runtime: string;
  /** The build the runtime must load. */
  readonly build: Build;
  /** The package name as a user imports it, the build's file by path, or a worker bundle of the package. */
  readonly how: 'package' | 'path' | 'bundle';
  /** The command that runs an entry module (the bundle has its own runner). */
  readonly command?: (entry: string) => [string, string[]];
}

const DENO_FLAGS = [
  'run',
  '--no-prompt',
  '--no-lock',
  '--allow-net=127.0.0.1',
  '--allow-env=TESSERA_API_URL,TESSERA_SECRET_KEY',
];
const node = (entry: string): [string, string[]] => [process.execPath, [entry]];
const bun = (entry: string): [string, string[]] => [bin('bun'), ['--no-install', entry]];
const deno = (entry: string): [string, string[]] => [bin('deno'), [...DENO_FLAGS, entry]];

// Bun and Deno resolve the package's "node" condition, as Node does: that is what their users get. The
// web build runs on both too, by path. workerd gets the web build, bundled as wrangler would.
const CASES: Case[] = [
  { runtime: 'node', build: 'node', how: 'package', command: node },
  { runtime: 'bun', build: 'node', how: 'package', command: bun },
  { runtime: 'bun', build: 'web', how: 'path', command: bun },
  { runtime: 'deno', build: 'node', how: 'package', command: deno },
  { runtime: 'deno', build: 'web', how: 'path', command: deno },
  { runtime: 'workerd', build: 'web', how: 'bundle' },
];

const HOW = {
  package: "imported as '@tessera/backend'",
  path: 'imported by path',
  bundle: "bundled from '@tessera/backend' by esbuild",
};

function run({ runtime, build, how, command }: Case): Promise<ScenarioResult> {
  if (command === undefined) return runWorkerd();
  const specifier = how === 'package' ? '@tessera/backend' : pathToFileURL(join(backend, builds[build])).href;
  const [executable, args] = command(writeEntry(`${runtime}-${how}-${build}`, specifier));
  return runProcess(executable, args);
}

describe('the built SDK on every runtime, against a real tessera server', () => {
  it.each(CASES.map((c) => [`${c.runtime}: the ${c.build} build, ${HOW[c.how]}`, c] as const))(
    '%s',
    async (_title, runtimeCase) => {
      const { runtime, build } = runtimeCase;
      const result = await run(runtimeCase);
      expect(fileURLToPath(result.module), `${runtime} loaded`).toBe(join(backend, builds[build]));
      expect(
        result.checks
          .filter((check) => !check.ok)
          .map((check) => `${runtime}: ${check.name}: ${check.error}`),
      ).toEqual([]);
      expect(result.checks.map((check) => check.name)).toEqual(CHECK_NAMES);
    },
    45_000,
  );
});
