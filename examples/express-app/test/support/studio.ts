import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type RunningTessera, startTessera, type TesseraOptions } from '@tessera/server';
import type { Page } from 'playwright-core';
import { createExampleApp } from '../../app.js';

/** The key of every test's own instance: pinned, so the gate's "right key" is known. */
export const TEST_SECRET_KEY = `sk_test_${'s'.repeat(43)}`;
export const LIVE_SECRET_KEY = `sk_live_${'L'.repeat(43)}`;

/** A real tessera on a socket, SQLite in memory, Studio on (unless told), no request log. */
export function startStudioTessera(options: TesseraOptions = {}): Promise<RunningTessera> {
  return startTessera({
    databaseUrl: ':memory:',
    port: 0,
    log: false,
    secretKey: TEST_SECRET_KEY,
    ...options,
  });
}

/** The Backend API with the secret key, as a test checks what Studio did: parsed JSON and the status. */
export function backendApi(tessera: RunningTessera, secretKey = tessera.secretKey ?? TEST_SECRET_KEY) {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${apiBase(tessera)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secretKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  };
}

/** Where a test reaches the instance: `0.0.0.0` listens everywhere and is reached at 127.0.0.1. */
export function apiBase(tessera: RunningTessera): string {
  return tessera.url.replace('//0.0.0.0:', '//127.0.0.1:');
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[]; readonly html: string }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now. Studio's CSP (script-src
 * 'self') blocks `page.addScriptTag` (an inline <script>); `page.evaluate` runs through the DevTools
 * protocol, which the page's CSP does not govern, so axe runs on the real page, CSP and all.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run(document)).violations;
  })) as AxeViolation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** A readable line per violation, for an assertion's diff. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
        .map((node) => node.html)
        .join(' | ')}`,
  );
}

/** Waits until `check` holds, trying every `intervalMs`, at most `tries` times; bounded by counting, not by a clock. */
export async function eventually(
  check: () => Promise<boolean>,
  { tries = 60, intervalMs = 500, what = 'the condition' } = {},
): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} did not hold after ${tries} tries`);
}

/**
 * tessera with the example app beside it, as a person runs them: tessera on 127.0.0.1, the app on
 * localhost (another site), the app's origin in tessera's allowed redirect origins so Studio offers
 * it. The app's port is taken first, as the origin must be known when tessera starts.
 */
export async function startStudioWithExampleApp(options: TesseraOptions = {}) {
  const appServer = createServer();
  await new Promise<void>((resolve, reject) => {
    appServer.once('error', reject);
    appServer.listen(0, 'localhost', resolve);
  });
  const appUrl = `http://localhost:${(appServer.address() as AddressInfo).port}`;
  let tessera: RunningTessera;
  try {
    tessera = await startStudioTessera({ host: '127.0.0.1', allowedRedirectOrigins: [appUrl], ...options });
  } catch (error) {
    appServer.close();
    throw error;
  }
  appServer.on('request', createExampleApp({ apiUrl: tessera.url, secretKey: TEST_SECRET_KEY }));
  return {
    tessera,
    appUrl,
    close: async () => {
      appServer.closeAllConnections();
      await new Promise((resolve) => appServer.close(resolve));
      await tessera.close();
    },
  };
}
