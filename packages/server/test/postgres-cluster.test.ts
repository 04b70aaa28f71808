import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SECRET_KEY = `sk_test_${'c'.repeat(43)}`;

interface Node {
  readonly url: string;
  readonly child: ChildProcess;
}

function startNode(databaseUrl: string): Promise<Node> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet'], {
    env: { PATH: process.env.PATH ?? '', TESSERA_DATABASE_URL: databaseUrl, TESSERA_SECRET_KEY: SECRET_KEY },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/ready at (http:\/\/\S+)/)?.[1];
      if (url) resolve({ url, child });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`node exited with ${code}: ${output}`)));
  });
}

/** Stops a node and waits until its process is gone. */
function stopNode({ child }: Node): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

async function call(
  node: Node,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown> & { errors?: { code: string }[] },
  };
}

if (!POSTGRES_URL) console.warn('postgres cluster: SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');

describe.skipIf(!POSTGRES_URL)('two tessera nodes on one Postgres database', () => {
  let database: TestDatabase;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    database = await createTestDatabase(POSTGRES_URL!);
    // Started together on an empty database: one migration, one instance.
    [a, b] = await Promise.all([startNode(database.url), startNode(database.url)]);
  });

  afterAll(async () => {
    await Promise.all([a, b].map((node) => (node ? stopNode(node) : undefined)));
    await database?.drop();
  });

  it('accepts each of 200 tickets exactly once when 10 accepts per ticket race across both nodes', async () => {
    const user = await call(a, 'POST', '/v1/users', { email_address: ['race@example.com'] });
    const tickets: string[] = [];
    for (let i = 0; i < 200; i++) {
      const token = await call(i % 2 ? a : b, 'POST', '/v1/test_session_tokens', { user_id: user.json.id });
      tickets.push(token.json.token as string);
    }
    const outcomes: number[][] = [];
    for (let batch = 0; batch < tickets.length; batch += 20) {
      outcomes.push(
        ...(await Promise.all(
          tickets.slice(batch, batch + 20).map(async (ticket) => {
            const replies = await Promise.all(
              Array.from({ length: 10 }, (_, i) =>
                call(i % 2 ? a : b, 'POST', '/v1/tickets/accept', { ticket }),
              ),
            );
            for (const reply of replies.filter((r) => r.status !== 200)) {
              expect(reply.json.errors?.[0]?.code).toBe('ticket_already_used');
            }
            return replies.map((reply) => reply.status);
          }),
        )),
      );
    }
    for (const statuses of outcomes) expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const sessions = await call(b, 'GET', `/v1/sessions?user_id=${user.json.id}&paginated=true&limit=1`);
    expect(sessions.json.total_count).toBe(200);
  });

  it('creates one token for one idempotency key sent to both nodes at once', async () => {
    const user = await call(a, 'POST', '/v1/users', { email_address: ['idem@example.com'] });
    const body = { user_id: user.json.id };
    const headers = { 'idempotency-key': 'cluster-key-1' };
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(i % 2 ? a : b, 'POST', '/v1/test_session_tokens', body, headers),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(replies.map((reply) => reply.json.id)).size).toBe(1);
    const list = await call(b, 'GET', `/v1/test_session_tokens?user_id=${user.json.id}&paginated=true`);
    expect(list.json.total_count).toBe(1);
  });

  it('verifies a JWT minted by node A with the JWKS served by node B, also across a key rotation', async () => {
    const user = await call(a, 'POST', '/v1/users', { email_address: ['jwks@example.com'] });
    const token = await call(a, 'POST', '/v1/test_session_tokens', { user_id: user.json.id });
    const accepted = await call(a, 'POST', '/v1/tickets/accept', { ticket: token.json.token });
    const jwksOfB = async () => (await fetch(`${b.url}/.well-known/jwks.json`)).json();
    const before = accepted.json.jwt as string;
    await jwtVerify(before, createLocalJWKSet(await jwksOfB()));

    const rotated = await call(a, 'POST', '/v1/jwks/rotate');
    const newKid = (rotated.json.keys as { kid: string }[])[0]!.kid;
    expect(newKid).not.toBe(decodeProtectedHeader(before).kid);
    const sessionId = (accepted.json.session as { id: string }).id;
    const after = (await call(a, 'POST', `/v1/sessions/${sessionId}/tokens`)).json.jwt as string;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);

    // Node B sees the new key within its refresh interval, and keeps the old one while its JWTs live.
    let jwks = await jwksOfB();
    await vi.waitFor(
      async () => {
        jwks = await jwksOfB();
        expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(newKid);
      },
      { timeout: 15_000, interval: 100 },
    );
    await jwtVerify(after, createLocalJWKSet(jwks));
    await jwtVerify(before, createLocalJWKSet(jwks));
    const fromB = (await call(b, 'POST', `/v1/sessions/${sessionId}/tokens`)).json.jwt as string;
    expect(decodeProtectedHeader(fromB).kid).toBe(newKid);
  });
});
