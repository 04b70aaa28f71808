import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError, createBackendApiClient } from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { createStorageState, tesseraSetup, tesseraWebServer } from '@tessera/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createExampleApp } from '../../../examples/express-app/app.js';

/** The helpers find tessera as the CLI does: options, then the environment, then `.tessera/secret-key`. */
let tessera: RunningTessera;
let app: Server;
let appUrl: string;
let folder: string;
const saved = { url: process.env.TESSERA_API_URL, key: process.env.TESSERA_SECRET_KEY };

beforeAll(async () => {
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  const example = createExampleApp({ apiUrl: tessera.url, secretKey: tessera.secretKey ?? '' });
  app = await new Promise<Server>((resolve) => {
    const server = example.listen(0, 'localhost', () => resolve(server));
  });
  appUrl = `http://localhost:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
  await tessera?.close();
});

beforeEach(() => {
  delete process.env.TESSERA_API_URL;
  delete process.env.TESSERA_SECRET_KEY;
  folder = mkdtempSync(join(tmpdir(), 'tessera-connection-'));
  vi.spyOn(process, 'cwd').mockReturnValue(folder);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
  for (const [name, value] of [
    ['TESSERA_API_URL', saved.url],
    ['TESSERA_SECRET_KEY', saved.key],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function writeKeyFile(key: string): void {
  mkdirSync(join(folder, '.tessera'));
  writeFileSync(join(folder, '.tessera', 'secret-key'), `${key}\n`, { mode: 0o600 });
}

const client = () => createBackendApiClient({ apiUrl: tessera.url, secretKey: tessera.secretKey });

describe('the secret key from .tessera/secret-key', () => {
  it('is used when TESSERA_SECRET_KEY is not set', async () => {
    process.env.TESSERA_API_URL = tessera.url;
    writeKeyFile(tessera.secretKey ?? '');
    await client().users.create({ emailAddress: ['file-key@example.com'] });
    const state = await createStorageState({
      email: 'file-key@example.com',
      baseURL: appUrl,
    });
    expect(state.cookies.map((cookie) => cookie.name)).toContain('__session');
  });

  it('gives way to TESSERA_SECRET_KEY', async () => {
    process.env.TESSERA_API_URL = tessera.url;
    process.env.TESSERA_SECRET_KEY = `sk_test_${'x'.repeat(40)}`;
    writeKeyFile(tessera.secretKey ?? '');
    await expect(createStorageState({ email: 'nobody@example.com', baseURL: appUrl })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('missing everywhere, the error names each place it is read from and no key', async () => {
    process.env.TESSERA_API_URL = tessera.url;
    const error = await createStorageState({
      email: 'a@example.com',
      baseURL: appUrl,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /secretKey is missing: pass \{ secretKey \}, set TESSERA_SECRET_KEY, run the tests/,
    );
    expect(error.message).toContain(join('.tessera', 'secret-key'));
    expect(error.message).toContain('npx @tessera/server');
  });
});

describe('tesseraSetup', () => {
  it('applies the seed to the tessera at TESSERA_API_URL, with the key from .tessera/secret-key', async () => {
    process.env.TESSERA_API_URL = tessera.url;
    writeKeyFile(tessera.secretKey ?? '');
    const teardown = await tesseraSetup({ seed: { users: [{ email_address: ['seeded@example.com'] }] } });
    try {
      // It set the two variables for the workers, to that same tessera.
      expect(process.env.TESSERA_API_URL).toBe(tessera.url);
      expect(process.env.TESSERA_SECRET_KEY).toBe(tessera.secretKey);
      const { totalCount } = await client().users.list({ emailAddress: ['seeded@example.com'] });
      expect(totalCount).toBe(1);
    } finally {
      await teardown();
    }
    expect(process.env.TESSERA_API_URL).toBe(tessera.url);
    expect(process.env.TESSERA_SECRET_KEY).toBeUndefined();
  });

  it('refuses a TESSERA_API_URL where nothing answers, naming the variable and the URL', async () => {
    const port = await closedPort();
    process.env.TESSERA_API_URL = `http://127.0.0.1:${port}`;
    process.env.TESSERA_SECRET_KEY = tessera.secretKey;
    const error = await tesseraSetup().catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(
      `TESSERA_API_URL (http://127.0.0.1:${port}) does not answer GET /v1/health`,
    );
    expect(error.message).not.toContain(tessera.secretKey);
  });

  it('starts its own tessera when none is configured, and sets the variables for the workers', async () => {
    const teardown = await tesseraSetup();
    try {
      expect(process.env.TESSERA_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(process.env.TESSERA_API_URL).not.toBe(tessera.url);
      const own = createBackendApiClient({
        apiUrl: process.env.TESSERA_API_URL,
        secretKey: process.env.TESSERA_SECRET_KEY,
      });
      expect((await own.users.list()).totalCount).toBe(0);
    } finally {
      await teardown();
    }
    expect(process.env.TESSERA_API_URL).toBeUndefined();
  });
});

describe('tesseraWebServer', () => {
  it('is a webServer entry for tessera on the port, with one key for the whole run', () => {
    const first = tesseraWebServer({ port: 4123, seed: './tests/seed.json', sessionClaims: { plan: 'pro' } });
    expect(first).toMatchObject({
      command: 'npx @tessera/server',
      url: 'http://127.0.0.1:4123/v1/health',
      reuseExistingServer: false,
      env: {
        TESSERA_API_URL: 'http://127.0.0.1:4123',
        PORT: '4123',
        HOST: '127.0.0.1',
        TESSERA_DATABASE_URL: ':memory:',
        TESSERA_SEED: './tests/seed.json',
        TESSERA_SESSION_CLAIMS: '{"plan":"pro"}',
      },
    });
    expect(first.env.TESSERA_SECRET_KEY).toMatch(/^sk_test_[A-Za-z0-9_-]{32}$/);
    // The config is evaluated again in each worker: the same key, from the inherited environment.
    expect(tesseraWebServer({ port: 4123 }).env.TESSERA_SECRET_KEY).toBe(first.env.TESSERA_SECRET_KEY);
    expect(process.env.TESSERA_API_URL).toBe('http://127.0.0.1:4123');
    expect(process.env.TESSERA_SECRET_KEY).toBe(first.env.TESSERA_SECRET_KEY);
  });

  it('hands the origins of Clerk apps to tessera as TESSERA_CLERK_APP_ORIGINS', () => {
    const clerk = tesseraWebServer({ clerkAppOrigins: ['http://localhost:3100', 'http://localhost:3200'] });
    expect(clerk.env.TESSERA_CLERK_APP_ORIGINS).toBe('http://localhost:3100,http://localhost:3200');
    expect(tesseraWebServer().env).not.toHaveProperty('TESSERA_CLERK_APP_ORIGINS');
  });

  it('keeps a key given in TESSERA_SECRET_KEY, and refuses a bad port', () => {
    process.env.TESSERA_SECRET_KEY = tessera.secretKey;
    expect(tesseraWebServer().env.TESSERA_SECRET_KEY).toBe(tessera.secretKey);
    expect(tesseraWebServer().url).toBe('http://127.0.0.1:4000/v1/health');
    expect(() => tesseraWebServer({ port: 70_000 })).toThrow(
      'port must be an integer from 1 to 65535 (got 70000)',
    );
  });
});

describe('without @tessera/server installed', () => {
  it('tesseraSetup says how to get a tessera, when none is running', async () => {
    // The built package alone in a project of its own: @tessera/backend beside it, no @tessera/server.
    const testingPackage = fileURLToPath(new URL('..', import.meta.url));
    const project = join(folder, 'project');
    mkdirSync(join(project, 'node_modules', '@tessera', 'testing'), { recursive: true });
    cpSync(join(testingPackage, 'dist'), join(project, 'node_modules', '@tessera', 'testing', 'dist'), {
      recursive: true,
    });
    cpSync(
      join(testingPackage, 'package.json'),
      join(project, 'node_modules', '@tessera', 'testing', 'package.json'),
    );
    symlinkSync(
      fileURLToPath(new URL('../../backend', import.meta.url)),
      join(project, 'node_modules', '@tessera', 'backend'),
    );
    writeFileSync(
      join(project, 'setup.mjs'),
      "import { tesseraSetup } from '@tessera/testing';\nawait tesseraSetup().catch((error) => { console.log(error.message); process.exit(3); });\n",
    );
    const env = { ...process.env, TESSERA_API_URL: '', TESSERA_SECRET_KEY: '' };
    const result = await promisify(execFile)(process.execPath, ['setup.mjs'], { cwd: project, env }).catch(
      (e) => e,
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      '@tessera/server is not installed, and no tessera is running for the tests',
    );
    expect(result.stdout).toContain('npm install -D @tessera/server');
    expect(result.stdout).toContain('npx @tessera/server');
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
