import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningTessera, startTessera } from '../src/index';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';
import { TcpProxy } from './support/tcp-proxy';

if (!POSTGRES_URL) console.warn('postgres outage: SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');

describe.skipIf(!POSTGRES_URL)('a node whose Postgres connection is lost', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let tessera: RunningTessera;

  beforeAll(async () => {
    database = await createTestDatabase(POSTGRES_URL!);
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.up();
    target.host = `127.0.0.1:${proxy.port}`;
    tessera = await startTessera({ databaseUrl: target.toString(), log: () => {} });
  });

  afterAll(async () => {
    await tessera?.close();
    await proxy?.down();
    await database?.drop();
  });

  const createUser = async (n: number) => {
    const started = Date.now();
    const response = await fetch(`${tessera.url}/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tessera.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: [`outage${n}@example.com`] }),
    });
    const json = (await response.json()) as { id?: string; errors?: { code: string }[] };
    return {
      status: response.status,
      json,
      retryAfter: response.headers.get('retry-after'),
      ms: Date.now() - started,
    };
  };

  it('answers 503 while the database is gone, recovers by itself, and loses nothing it acknowledged', async () => {
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    let n = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        const reply = await createUser(n++);
        statuses.push(reply.status);
        expect(reply.ms).toBeLessThan(12_000);
        if (reply.status === 200) acknowledged.push(reply.json.id!);
        else {
          expect(reply.status).toBe(503);
          expect(reply.json.errors?.[0]?.code).toBe('service_unavailable');
          expect(reply.retryAfter).toBe('1');
        }
      }
    })();

    // Conditions, not durations: the load is seen to succeed, then to be refused, then to succeed again.
    const WAIT = { timeout: 15_000, interval: 20 };
    await vi.waitFor(() => expect(acknowledged.length).toBeGreaterThan(0), WAIT);
    await proxy.down();
    await vi.waitFor(() => expect(statuses).toContain(503), WAIT);
    const health = await fetch(`${tessera.url}/v1/health`);
    expect(health.status).toBe(503);
    await proxy.up();

    await vi.waitFor(async () => expect((await fetch(`${tessera.url}/v1/health`)).status).toBe(200), {
      ...WAIT,
      interval: 100,
    });
    const recovered = statuses.length;
    await vi.waitFor(() => expect(statuses.slice(recovered)).toContain(200), WAIT);
    running = false;
    await load;

    expect(statuses).toContain(503);
    expect(statuses.at(-1)).toBe(200);
    for (const id of acknowledged) {
      const response = await fetch(`${tessera.url}/v1/users/${id}`, {
        headers: { authorization: `Bearer ${tessera.secretKey}` },
      });
      expect(response.status).toBe(200);
    }
  }, 60_000);
});
