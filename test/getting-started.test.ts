import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type GuideStep, parseGuide, withTarballs } from './support/guide';

/**
 * docs/GETTING-STARTED.md, run as a new user would: the packages packed into tarballs, installed into
 * an empty folder outside the repository, and every command and file of the guide run there in order.
 */
const repository = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(repository, 'docs', 'GETTING-STARTED.md'), 'utf8');
const steps = parseGuide(guide);
const PACKAGES = ['@tessera/wire', '@tessera/server', '@tessera/backend', '@tessera/testing'];
/** Shown in the guide, not run: the one download this suite's machines cannot make. */
const NOT_RUN = [/^npx playwright install (?:--with-deps )?chromium$/];

let root: string;
let project: string;
const tarballs: Record<string, string> = {};
const background = new Map<string, ChildProcess>();

/** The environment of a person's shell: nothing of this repository's npm run, its PATH or tessera's variables. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|TESSERA_|VITEST|INIT_CWD$|NODE_OPTIONS$)/.test(name)) continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((entry) => !entry.includes('node_modules'))
    .join(':');
  // Installs come from the local npm cache where it has them (the registry otherwise).
  env.npm_config_prefer_offline = 'true';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_update_notifier = 'false';
  // The guide's Playwright config reads it: the system Chromium instead of Playwright's download.
  env.CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return env;
}
const env = userEnvironment();

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a script in bash, in a process group of its own so everything it leaves in the background can
 * be stopped with it. Resolves when bash exits (a background job may keep its output open).
 */
function bash(code: string, cwd: string, group?: string): Promise<Finished> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], { cwd, env, detached: true });
  if (group) background.set(group, child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => setTimeout(() => resolve({ code: exitCode, stdout, stderr }), 50));
  });
}

function assertSucceeded(step: string, result: Finished): void {
  if (result.code !== 0) {
    throw new Error(
      `${step} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}

/** Like Ctrl-C in the terminal: SIGINT to the whole process group, then wait until none of it is left. */
async function stop(name: string): Promise<void> {
  const pid = background.get(name)?.pid;
  background.delete(name);
  if (!pid || !signalGroup(pid, 'SIGINT')) return;
  // Up to 100 looks, 100 ms apart; what is still running after them is killed.
  for (let look = 0; look < 100 && signalGroup(pid, 0); look++) await sleep(100);
  signalGroup(pid, 'SIGKILL');
}

/** False once no process of the group is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `url` answers: up to 300 tries 200 ms apart, failing at once if the process exits. */
async function waitForUrl(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`exited with ${child.exitCode} before ${url} answered:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${url} did not answer after 300 tries:\n${output()}`);
}

async function start(step: Extract<GuideStep, { kind: 'start' }>): Promise<void> {
  const child = spawn('bash', ['-c', step.code], { cwd: project, env, detached: true });
  background.set(step.name, child);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  await waitForUrl(step.url, child, () => output);
}

/** The files a commit of the project holds: all but what its .gitignore and node_modules leave out. */
function checkout(from: string, to: string): void {
  const ignored = readFileSync(join(from, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/\/$/, ''))
    .filter(Boolean);
  cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      const path = relative(from, source);
      return (
        path === '' ||
        !['node_modules', ...ignored].some((entry) => path === entry || path.startsWith(`${entry}/`))
      );
    },
  });
}

interface WorkflowStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tessera-getting-started-'));
  mkdirSync(join(root, 'tarballs'));
  project = join(root, 'my-app');
  mkdirSync(project);
  const packed = JSON.parse(
    execFileSync(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        join(root, 'tarballs'),
        ...PACKAGES.flatMap((name) => ['-w', name]),
      ],
      { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  ) as { name: string; filename: string }[];
  for (const { name, filename } of packed) tarballs[name] = `../tarballs/${filename}`;
}, 120_000);

afterAll(async () => {
  for (const name of [...background.keys()]) await stop(name);
  if (root) rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('docs/GETTING-STARTED.md, followed in an empty folder with the packed packages', () => {
  it('marks every code block, and leaves out only the browser download', () => {
    expect(steps.length).toBeGreaterThan(15);
    const notRun = steps.filter((step) => step.kind === 'not-run');
    expect(notRun.map((step) => step.code.trim())).toEqual(['npx playwright install chromium']);
    expect(Object.keys(tarballs).sort()).toEqual([...PACKAGES].sort());
  });

  for (const step of steps) {
    const title = `line ${step.line}: ${step.kind} ${'code' in step ? step.code.split('\n')[0] : step.names.join(' ')}`;
    it(title, async () => {
      switch (step.kind) {
        case 'file': {
          mkdirSync(dirname(join(project, step.path)), { recursive: true });
          writeFileSync(join(project, step.path), step.code);
          return;
        }
        case 'run': {
          const result = await bash(withTarballs(step.code, tarballs), project);
          assertSucceeded(title, result);
          if (step.expect) expect(result.stdout).toMatch(step.expect);
          return;
        }
        case 'start':
          return start(step);
        case 'stop':
          for (const name of step.names) await stop(name);
          return;
        case 'not-run':
          expect(step.reason).not.toBe('');
          return;
        case 'ci':
          return runWorkflow(step.code);
      }
    }, 400_000);
  }
});

/** The job's `run` steps in a fresh checkout of the project; `uses` steps are GitHub's own set-up. */
async function runWorkflow(yaml: string): Promise<void> {
  const workflow = parseYaml(yaml) as { jobs: Record<string, { steps: WorkflowStep[] }> };
  const jobSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  expect(jobSteps.filter((step) => step.run).length).toBeGreaterThanOrEqual(4);
  const ciCheckout = join(root, 'ci-checkout');
  checkout(project, ciCheckout);
  expect(existsSync(join(ciCheckout, '.tessera'))).toBe(false);
  try {
    for (const [index, step] of jobSteps.entries()) {
      if (!step.run || NOT_RUN.some((pattern) => pattern.test(step.run?.trim() ?? ''))) continue;
      const result = await bash(step.run, ciCheckout, `ci-${index}`);
      assertSucceeded(`CI step "${step.name ?? step.run}"`, result);
    }
  } finally {
    for (const name of [...background.keys()].filter((key) => key.startsWith('ci-'))) await stop(name);
  }
}
