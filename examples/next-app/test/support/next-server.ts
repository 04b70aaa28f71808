import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildApp, freePort, startChildApp } from '../../../express-app/test/support/child-app';

const appDir = fileURLToPath(new URL('../../', import.meta.url));
const repository = join(appDir, '../..');
const nextBin = join(repository, 'node_modules/next/dist/bin/next');
/** Where the hash of what the last build was made from is kept, beside the build. */
const builtFrom = join(appDir, '.next/tessera-build-inputs');

/** Every file the build reads of ours: the app's sources and the SDK's build it imports. */
function buildInputs(): string[] {
  const files = (dir: string, skip: (path: string) => boolean) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => !skip(relative(dir, path)));
  return [
    ...files(appDir, (path) => /^(?:\.next|node_modules|test)(?:\/|$)/.test(path)),
    ...files(join(repository, 'packages/backend/dist'), () => false),
    join(repository, 'packages/backend/package.json'),
  ].sort();
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of buildInputs())
    hash.update(relative(repository, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  // The app reads only what the test gives it.
  for (const name of ['TESSERA_JWT_KEY', 'TESSERA_SECRET_KEY', 'TESSERA_API_URL']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
};

/**
 * `next build` of the example, unless the build in `.next` was made from the same sources and the
 * same SDK build (then it is reused). Resolves to whether it built, and how long that took.
 */
export async function buildNextApp(): Promise<{ built: boolean; ms: number }> {
  const hash = inputsHash();
  if (existsSync(join(appDir, '.next/BUILD_ID')) && existsSync(builtFrom)) {
    if (readFileSync(builtFrom, 'utf8') === hash) return { built: false, ms: 0 };
  }
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [nextBin, 'build'],
      { cwd: appDir, env: childEnv(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`next build failed:\n${stdout}\n${stderr}`));
        else resolve();
      },
    );
  });
  writeFileSync(builtFrom, hash);
  return { built: true, ms: Date.now() - started };
}

export type RunningNextApp = ChildApp;

/** `next start` on a free port of localhost with `env`; resolves once it answers. */
export async function startNextApp(env: Record<string, string>): Promise<RunningNextApp> {
  const port = await freePort();
  return startChildApp({
    name: 'next start',
    args: [nextBin, 'start', '-p', String(port), '-H', 'localhost'],
    cwd: appDir,
    env: childEnv(env),
    url: `http://localhost:${port}`,
    probePath: '/favicon.ico',
  });
}
