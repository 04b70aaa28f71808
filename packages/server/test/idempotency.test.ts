import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Json, startTestServer, type TestServer, unknownId } from './support/tessera';
import { submitTicketUrl } from './support/ticket-page';

const TOKENS = '/v1/test_session_tokens';

let server: TestServer;
let user: Json;

beforeAll(async () => {
  server = await startTestServer();
  user = await server.createUser({ email_address: ['ida@example.com'] });
});

afterAll(async () => {
  await server.close();
});

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

async function tokenCount(): Promise<number> {
  return (await server.get(`${TOKENS}?paginated=true&user_id=${user.id}`)).body.total_count;
}

describe('Idempotency-Key on POST /v1/test_session_tokens', () => {
  it('answers a repeat with the same body with the first reply, byte for byte, and creates one token', async () => {
    const before = await tokenCount();
    const first = await server.post(TOKENS, { user_id: user.id }, withKey('retry-1'));
    expect(first.status).toBe(200);
    server.clock.advance(5000);
    const second = await server.post(TOKENS, { user_id: user.id }, withKey('retry-1'));
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.token).toBe(first.body.token);
    expect(second.body.url).toBe(first.body.url);
    expect(await tokenCount()).toBe(before + 1);
    // The replayed ticket is the one ticket: it works once.
    await server.accept(second.body.token);
    expectError(
      await server.post('/v1/tickets/accept', { ticket: first.body.token }, { auth: false }),
      409,
      'ticket_already_used',
    );
  });

  it('treats the same parameters in another key order as the same body', async () => {
    const a = await server.post(TOKENS, { user_id: user.id, expires_in_seconds: 60 }, withKey('order'));
    const b = await server.post(TOKENS, `{"expires_in_seconds":60,"user_id":"${user.id}"}`, withKey('order'));
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
  });

  it('refuses the same key with another body (422 idempotency_key_reused) and creates nothing', async () => {
    await server.post(TOKENS, { user_id: user.id }, withKey('reused'));
    const before = await tokenCount();
    expectError(
      await server.post(TOKENS, { user_id: user.id, expires_in_seconds: 30 }, withKey('reused')),
      422,
      'idempotency_key_reused',
      'Idempotency-Key',
    );
    expect(await tokenCount()).toBe(before);
  });

  it('treats spellings of one path (a trailing or doubled slash) as the same endpoint', async () => {
    const before = await tokenCount();
    const replies = [];
    for (const path of [TOKENS, `${TOKENS}/`, `/${TOKENS}`]) {
      replies.push(await server.post(path, { user_id: user.id }, withKey('one-endpoint')));
    }
    expect(new Set(replies.map((reply) => reply.body.id)).size).toBe(1);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('makes each key its own: different keys create different tokens; no key creates every time', async () => {
    const before = await tokenCount();
    const a = await server.post(TOKENS, { user_id: user.id }, withKey('key-a'));
    const b = await server.post(TOKENS, { user_id: user.id }, withKey('key-b'));
    const c = await server.post(TOKENS, { user_id: user.id });
    const d = await server.post(TOKENS, { user_id: user.id });
    expect(new Set([a.body.id, b.body.id, c.body.id, d.body.id]).size).toBe(4);
    expect(await tokenCount()).toBe(before + 4);
  });

  it('does not let a failed first request poison the key', async () => {
    const before = await tokenCount();
    const failed = await server.post(TOKENS, { user_id: unknownId('user') }, withKey('fix-and-retry'));
    expectError(failed, 404, 'resource_not_found', 'user_id');
    // The same failing request fails again rather than replaying a stored error...
    expectError(
      await server.post(TOKENS, { user_id: unknownId('user') }, withKey('fix-and-retry')),
      404,
      'resource_not_found',
    );
    // ...and the corrected request may use the key.
    const fixed = await server.post(TOKENS, { user_id: user.id }, withKey('fix-and-retry'));
    expect(fixed.status).toBe(200);
    const replay = await server.post(TOKENS, { user_id: user.id }, withKey('fix-and-retry'));
    expect(replay.body.id).toBe(fixed.body.id);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('does not keep a reply refused by validation either', async () => {
    expectError(
      await server.post(TOKENS, { user_id: user.id, expires_in_seconds: 0 }, withKey('invalid-first')),
      422,
      'form_param_value_invalid',
    );
    expect((await server.post(TOKENS, { user_id: user.id }, withKey('invalid-first'))).status).toBe(200);
  });

  it('gives one token to 20 concurrent identical requests with one key', async () => {
    const before = await tokenCount();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => server.post(TOKENS, { user_id: user.id }, withKey('stampede'))),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(1);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('gives one token to 20 concurrent identical requests over the socket', async () => {
    const before = await tokenCount();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${server.tessera.url}${TOKENS}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${server.secretKey}`,
            'content-type': 'application/json',
            'idempotency-key': 'socket-stampede',
          },
          body: JSON.stringify({ user_id: user.id }),
        }).then(async (response) => ({ status: response.status, text: await response.text() })),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('keeps a key for 24 hours, then lets it create anew', async () => {
    const first = await server.post(TOKENS, { user_id: user.id }, withKey('daily'));
    server.clock.advance(24 * 3600 * 1000 - 1);
    expect((await server.post(TOKENS, { user_id: user.id }, withKey('daily'))).body.id).toBe(first.body.id);
    server.clock.advance(1);
    const later = await server.post(TOKENS, { user_id: user.id }, withKey('daily'));
    expect(later.status).toBe(200);
    expect(later.body.id).not.toBe(first.body.id);
  });

  it('refuses an empty key or one over 255 characters, and takes 255', async () => {
    const before = await tokenCount();
    expectError(
      await server.post(TOKENS, { user_id: user.id }, withKey('k'.repeat(256))),
      422,
      'form_param_value_invalid',
      'Idempotency-Key',
    );
    expectError(
      await server.post(TOKENS, { user_id: user.id }, withKey('')),
      422,
      'form_param_value_invalid',
      'Idempotency-Key',
    );
    expect(await tokenCount()).toBe(before);
    expect((await server.post(TOKENS, { user_id: user.id }, withKey('k'.repeat(255)))).status).toBe(200);
  });
});

describe('Idempotency-Key on POST /v1/users', () => {
  it('creates one user for a repeated create, and scopes keys to the endpoint', async () => {
    const count = async () => (await server.get('/v1/users/count')).body.total_count;
    const before = await count();
    const first = await server.post('/v1/users', { username: 'idem' }, withKey('shared-key'));
    const again = await server.post('/v1/users', { username: 'idem' }, withKey('shared-key'));
    expect(again.text).toBe(first.text);
    expect(await count()).toBe(before + 1);
    expectError(
      await server.post('/v1/users', { username: 'other' }, withKey('shared-key')),
      422,
      'idempotency_key_reused',
    );
    // The same key on another endpoint is another key.
    const token = await server.post(TOKENS, { user_id: first.body.id }, withKey('shared-key'));
    expect(token.status).toBe(200);
    expect(token.body.object).toBe('test_session_token');
  });

  it('does not keep a refused duplicate, so the key works once the conflict is gone', async () => {
    const holder = await server.createUser({ email_address: ['dup@example.com'] });
    expectError(
      await server.post('/v1/users', { email_address: ['dup@example.com'] }, withKey('dup')),
      422,
      'form_identifier_exists',
    );
    await server.del(`/v1/users/${holder.id}`);
    expect(
      (await server.post('/v1/users', { email_address: ['dup@example.com'] }, withKey('dup'))).status,
    ).toBe(200);
  });
});

describe('the database at rest', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-at-rest-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never holds a ticket, handoff or refresh token, a secret key or a JWT in clear', async () => {
    const file = await startTestServer({ databaseUrl: `file:${join(dir, 'tessera.db')}` });
    const secrets: string[] = [file.secretKey];
    try {
      const someone = await file.createUser({ email_address: ['rest@example.com'] });
      const plain = await file.createToken({ user_id: someone.id });
      const keyed = await file.post(TOKENS, { user_id: someone.id }, withKey('at-rest'));
      const replayed = await file.post(TOKENS, { user_id: someone.id }, withKey('at-rest'));
      const pending = await file.createToken({ user_id: someone.id, redirect_url: 'http://localhost:3000/' });
      const acceptance = await file.accept(plain.token);
      const browser = await submitTicketUrl(keyed.body.url);
      expect(browser.status).toBe(303);
      const minted = await file.post(`/v1/sessions/${acceptance.session.id}/tokens`);
      // The pending token redirects to another origin, so opening it hands the session off to the app.
      const handingOff = await submitTicketUrl(pending.url);
      const handoff = new URL(handingOff.headers.get('location')!).searchParams.get('__tessera_handoff')!;
      const redeemed = await file.post('/v1/session_handoffs/redeem', { handoff });
      expect(redeemed.status).toBe(200);
      const refreshed = await file.post('/v1/sessions/refresh', {
        refresh_token: redeemed.body.refresh_token,
      });
      expect(refreshed.status).toBe(200);
      secrets.push(handoff, redeemed.body.jwt, redeemed.body.refresh_token, refreshed.body.jwt);
      secrets.push(
        plain.token,
        keyed.body.token,
        replayed.body.token,
        pending.token,
        acceptance.jwt,
        minted.body.jwt,
        browser.headers.getSetCookie()[0]!.split(';')[0]!.slice('__session='.length),
      );
      for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(32);
    } finally {
      await file.close();
    }

    // Every text value of every column of every table.
    const db = new SQLite(join(dir, 'tessera.db'), { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['tickets', 'idempotency_keys', 'instance', 'sessions', 'users']),
      );
      let values = 0;
      for (const { name } of tables) {
        for (const row of db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]) {
          for (const [column, value] of Object.entries(row)) {
            const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
            values++;
            for (const secret of secrets) expect(text.includes(secret), `${name}.${column}`).toBe(false);
          }
        }
      }
      expect(values).toBeGreaterThan(50);
    } finally {
      db.close();
    }

    // And the raw bytes of every file the database left, free pages included.
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name)).toString('latin1');
      for (const secret of secrets) expect(bytes.includes(secret), name).toBe(false);
    }
  });
});
