import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';
import { FakeClock, newSecretKey, type Reply, startTestServer, type TestServer } from './support/tessera';

// A ban or a delete racing ticket acceptance must never leave a session active: either the
// acceptance is seen by the ban (which revokes its session) or the acceptance sees the ban and
// refuses. Two nodes on one database race for real on Postgres; SQLite has one writer.

const TRIALS = 20;
const ACCEPTS = 10;

interface Cluster {
  readonly nodes: readonly [TestServer, TestServer];
  close(): Promise<void>;
}

async function activeSessionsOf(node: TestServer, userId: string): Promise<Reply> {
  return node.get(`/v1/sessions?user_id=${userId}&status=active&limit=100&paginated=true`);
}

/** One trial: tokens issued, then ACCEPTS acceptances and the ban (or delete) sent together. */
async function race(cluster: Cluster, action: 'ban' | 'delete') {
  const [a, b] = cluster.nodes;
  const user = await a.createUser({});
  const tokens: string[] = [];
  for (let i = 0; i < ACCEPTS; i++) tokens.push((await a.createToken({ user_id: user.id })).token);
  const accepts = tokens.map((ticket, i) =>
    (i % 2 ? a : b).post('/v1/tickets/accept', { ticket }, { auth: false }),
  );
  const change = action === 'ban' ? b.post(`/v1/users/${user.id}/ban`) : b.del(`/v1/users/${user.id}`);
  const [changed, ...accepted] = await Promise.all([change, ...accepts]);
  expect(changed.status, changed.text).toBe(200);
  const sessionIds: string[] = [];
  for (const reply of accepted) {
    // Each acceptance either happened before the change (and was revoked by it) or was refused:
    // banned (403), user gone (404) or its ticket revoked by the delete (410).
    if (reply.status === 200) sessionIds.push(reply.body.session.id);
    else
      expect(['user_banned', 'ticket_not_found', 'ticket_revoked'], reply.text).toContain(
        reply.body.errors[0].code,
      );
  }
  return { userId: user.id as string, sessionIds };
}

function raceSuite(name: string, open: () => Promise<Cluster>) {
  describe(name, () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await open();
    });
    afterAll(async () => {
      await cluster?.close();
    });

    it(`leaves no session active after a ban that races ${ACCEPTS} acceptances, and unban revives none`, async () => {
      const [a, b] = cluster.nodes;
      let raced = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const { userId, sessionIds } = await race(cluster, 'ban');
        raced += sessionIds.length;
        const active = await activeSessionsOf(a, userId);
        expect(active.status).toBe(200);
        expect(active.body.data).toEqual([]);
        expect((await a.post(`/v1/users/${userId}/unban`)).status).toBe(200);
        for (const id of sessionIds) {
          const session = await b.get(`/v1/sessions/${id}`);
          expect(session.body.status, `session ${id} after the ban`).toBe('revoked');
          const minted = await (trial % 2 ? a : b).post(`/v1/sessions/${id}/tokens`);
          expect(minted.status, `a JWT for session ${id} after unban`).not.toBe(200);
        }
        expect((await activeSessionsOf(b, userId)).body.data).toEqual([]);
      }
      // Not a vacuous pass: some acceptances won their race and were revoked by the ban.
      expect(raced).toBeGreaterThan(0);
    });

    it(`leaves no session active after a delete that races ${ACCEPTS} acceptances`, async () => {
      const [a, b] = cluster.nodes;
      for (let trial = 0; trial < TRIALS; trial++) {
        const { userId, sessionIds } = await race(cluster, 'delete');
        expect((await activeSessionsOf(a, userId)).body.data).toEqual([]);
        for (const id of sessionIds) {
          const minted = await (trial % 2 ? a : b).post(`/v1/sessions/${id}/tokens`);
          expect(minted.status, `a JWT for session ${id} after delete`).not.toBe(200);
          const session = await a.get(`/v1/sessions/${id}`);
          if (session.status === 200) expect(session.body.status).not.toBe('active');
        }
      }
    });
  });
}

raceSuite('ban and delete racing acceptance on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-race-'));
  const node = await startTestServer({ databaseUrl: `file:${join(dir, 'tessera.db')}` });
  return {
    nodes: [node, node],
    close: async () => {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

if (!POSTGRES_URL)
  console.warn('ban/accept race on Postgres: SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');

describe.skipIf(!POSTGRES_URL)('on Postgres', () => {
  let database: TestDatabase;
  raceSuite('ban and delete racing acceptance on two Postgres nodes', async () => {
    database = await createTestDatabase(POSTGRES_URL!);
    const secretKey = newSecretKey();
    const clock = new FakeClock();
    const a = await startTestServer({ databaseUrl: database.url, secretKey, clock });
    const b = await startTestServer({ databaseUrl: database.url, secretKey, clock });
    return {
      nodes: [a, b],
      close: async () => {
        await Promise.all([a.close(), b.close()]);
        await database.drop();
      },
    };
  });
});
