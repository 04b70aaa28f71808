import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, newSecretKey, startTestServer } from './support/tessera';

// The allow-list is checked again at acceptance: a ticket issued while its redirect's origin was
// allowed is refused (and revoked) once the origin is removed, with no session and no redirect.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-redirect-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a redirect_url whose origin was removed from the allow-list after issue', () => {
  it('is refused at acceptance, by code and by browser: no session, no redirect, the ticket revoked', async () => {
    const databaseUrl = `file:${join(dir, 'tessera.db')}`;
    const secretKey = newSecretKey();
    const first = await startTestServer({
      databaseUrl,
      secretKey,
      allowedRedirectOrigins: ['https://app.example.com'],
    });
    const user = await first.createUser({});
    const byCode = await first.createToken({
      user_id: user.id,
      redirect_url: 'https://app.example.com/home',
    });
    const byBrowser = await first.createToken({
      user_id: user.id,
      redirect_url: 'https://app.example.com/home',
    });
    const ownOrigin = await first.createToken({ user_id: user.id });
    await first.close();

    const second = await startTestServer({ databaseUrl, secretKey, allowedRedirectOrigins: [] });
    try {
      const refused = await second.post('/v1/tickets/accept', { ticket: byCode.token }, { auth: false });
      expectError(refused, 422, 'redirect_url_not_allowed', 'redirect_url');

      const page = await second.post(
        '/v1/tickets/accept/browser',
        `ticket=${encodeURIComponent(byBrowser.token)}`,
        {
          auth: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      );
      expect(page.status).toBe(422);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers.location).toBeUndefined();
      expect(page.headers['set-cookie']).toBeUndefined();

      const sessions = await second.get(`/v1/sessions?paginated=true&user_id=${user.id}`);
      expect(sessions.body.total_count).toBe(0);
      for (const token of [byCode, byBrowser]) {
        expect((await second.get(`/v1/test_session_tokens/${token.id}`)).body.status).toBe('revoked');
      }
      // Revoked stays revoked: a second try is refused as such, not redirected.
      expectError(
        await second.post('/v1/tickets/accept', { ticket: byCode.token }, { auth: false }),
        410,
        'ticket_revoked',
      );
      // A ticket without a redirect_url is not affected.
      expect((await second.accept(ownOrigin.token)).session.user_id).toBe(user.id);
    } finally {
      await second.close();
    }
  });
});
