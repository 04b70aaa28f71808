import { HANDOFF_PARAM } from '@tessera/wire';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTessera, startTessera } from '../src/index';

const APP = 'http://localhost:3000';
let now = Date.UTC(2026, 0, 1);
const clock = { now: () => now };
let tessera: RunningTessera;

/** The fields these tests read from replies. */
interface Reply {
  readonly object?: string;
  readonly id?: string;
  readonly url?: string;
  readonly status?: string;
  readonly jwt?: string;
  readonly refresh_token?: string;
  readonly session?: { readonly id: string; readonly user_id: string };
  readonly errors?: readonly { readonly code: string }[];
}

async function call(method: string, path: string, body?: unknown, secretKey = tessera.secretKey) {
  const response = await tessera.app.handle({
    method,
    path,
    query: new URLSearchParams(),
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  });
  return { status: response.status, json: JSON.parse(response.body) as Reply };
}

/** Opens a ticket URL the way a browser does, and returns where it was sent. */
async function openTicket(redirectUrl: string | undefined) {
  const user = await call('POST', '/v1/users', {});
  const token = await call('POST', '/v1/test_session_tokens', {
    user_id: user.json.id,
    ...(redirectUrl && { redirect_url: redirectUrl }),
  });
  const url = new URL(token.json.url!);
  // The ticket page's form POST (a GET of the URL only answers the page).
  const response = await tessera.app.handle({
    method: 'POST',
    path: `${url.pathname}/browser`,
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ ticket: url.searchParams.get('ticket') ?? '' }).toString()),
  });
  return {
    status: response.status,
    location: String(response.headers.location),
    userId: user.json.id as string,
  };
}

beforeAll(async () => {
  tessera = await startTessera({ clock, log: () => {}, sessionTokenLifetimeSeconds: 2 });
});

afterAll(() => tessera.close());

describe('session handoff to an app on another origin', () => {
  it('adds a single-use handoff to a cross-origin redirect, and none to tessera’s own origin', async () => {
    const crossSite = await openTicket(`${APP}/dashboard?tab=1`);
    expect(crossSite.status).toBe(303);
    const location = new URL(crossSite.location);
    expect(location.origin + location.pathname).toBe(`${APP}/dashboard`);
    expect(location.searchParams.get('tab')).toBe('1');
    expect(location.searchParams.get(HANDOFF_PARAM)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const sameSite = await openTicket(`${tessera.publicUrl}/v1/tickets/signed-in`);
    expect(new URL(sameSite.location).searchParams.has(HANDOFF_PARAM)).toBe(false);
  });

  it('redeems once for the session, a verifiable JWT and a refresh token; a replay is refused', async () => {
    const { location, userId } = await openTicket(`${APP}/`);
    const handoff = new URL(location).searchParams.get(HANDOFF_PARAM)!;
    const redeemed = await call('POST', '/v1/session_handoffs/redeem', { handoff });
    expect(redeemed.status).toBe(200);
    expect(redeemed.json).toMatchObject({
      object: 'session_handoff',
      session: { user_id: userId, status: 'active' },
    });
    const jwks = createLocalJWKSet((await call('GET', '/v1/jwks')).json as never);
    const { payload } = await jwtVerify(redeemed.json.jwt!, jwks, { currentDate: new Date(now) });
    expect(payload).toMatchObject({ sub: userId, azp: APP });
    expect(redeemed.json.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const replay = await call('POST', '/v1/session_handoffs/redeem', { handoff });
    expect(replay.status).toBe(400);
    expect(replay.json.errors?.[0]?.code).toBe('session_handoff_invalid');
  });

  it('refuses a handoff after 60 seconds, and one presented without the secret key', async () => {
    const { location } = await openTicket(`${APP}/`);
    const handoff = new URL(location).searchParams.get(HANDOFF_PARAM)!;
    const anonymous = await call('POST', '/v1/session_handoffs/redeem', { handoff }, 'not-a-key');
    expect(anonymous.json.errors?.[0]?.code).toBe('authentication_invalid');
    now += 60_000;
    const late = await call('POST', '/v1/session_handoffs/redeem', { handoff });
    expect(late.json.errors?.[0]?.code).toBe('session_handoff_invalid');
  });

  it('refreshes the JWT with the refresh token while the session lives, and stops after a revoke', async () => {
    const { location } = await openTicket(`${APP}/`);
    const redeemed = await call('POST', '/v1/session_handoffs/redeem', {
      handoff: new URL(location).searchParams.get(HANDOFF_PARAM),
    });
    const refreshToken = redeemed.json.refresh_token;
    now += 10_000; // well past the 2-second JWT lifetime
    const refreshed = await call('POST', '/v1/sessions/refresh', { refresh_token: refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.object).toBe('session_refresh');
    const { payload } = await jwtVerify(
      refreshed.json.jwt!,
      createLocalJWKSet((await call('GET', '/v1/jwks')).json as never),
      { currentDate: new Date(now) },
    );
    expect(payload.exp).toBe(Math.floor(now / 1000) + 2);

    await call('POST', `/v1/sessions/${redeemed.json.session!.id}/revoke`);
    const afterRevoke = await call('POST', '/v1/sessions/refresh', { refresh_token: refreshToken });
    expect(afterRevoke.status).toBe(400);
    expect(afterRevoke.json.errors?.[0]?.code).toBe('session_not_active');

    const unknown = await call('POST', '/v1/sessions/refresh', { refresh_token: 'x'.repeat(43) });
    expect(unknown.json.errors?.[0]?.code).toBe('refresh_token_invalid');
  });

  it('stops refreshing once the session expires or the user is deleted', async () => {
    const { location, userId } = await openTicket(`${APP}/`);
    const redeemed = await call('POST', '/v1/session_handoffs/redeem', {
      handoff: new URL(location).searchParams.get(HANDOFF_PARAM),
    });
    await call('DELETE', `/v1/users/${userId}`);
    const refreshed = await call('POST', '/v1/sessions/refresh', {
      refresh_token: redeemed.json.refresh_token,
    });
    expect(refreshed.json.errors?.[0]?.code).toBe('session_not_active');

    const second = await openTicket(`${APP}/`);
    const live = await call('POST', '/v1/session_handoffs/redeem', {
      handoff: new URL(second.location).searchParams.get(HANDOFF_PARAM),
    });
    now += 1800 * 1000;
    const expired = await call('POST', '/v1/sessions/refresh', { refresh_token: live.json.refresh_token });
    expect(expired.json.errors?.[0]?.code).toBe('session_not_active');
  });

  it('ends a session on sign-out', async () => {
    const { location } = await openTicket(`${APP}/`);
    const redeemed = await call('POST', '/v1/session_handoffs/redeem', {
      handoff: new URL(location).searchParams.get(HANDOFF_PARAM),
    });
    const ended = await call('POST', `/v1/sessions/${redeemed.json.session!.id}/end`);
    expect(ended.json.status).toBe('ended');
    const again = await call('POST', `/v1/sessions/${redeemed.json.session!.id}/end`);
    expect(again.json.errors?.[0]?.code).toBe('session_cannot_be_revoked');
  });
});
