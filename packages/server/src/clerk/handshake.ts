import { HANDSHAKE_NONCE_LIFETIME_SECONDS, HANDSHAKE_NONCE_PARAM } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { digestsEqual, generateTicketValue, sha256Hex } from '../core/secrets';
import { mintSessionToken } from '../sessions/sessions-service';
import {
  findActiveSessionOfClient,
  insertHandshakeNonce,
  redeemHandshakeNonce,
} from '../store/clients-store';
import type { Executor } from '../store/database';
import { setRefreshTokenHash } from '../store/handoffs-store';
import type { SessionTable } from '../store/schema';
import { checkRedirectUrl } from '../tickets/redirect-policy';
import { clientOfDevBrowser, createSessionClient, sessionlessClient } from './dev-browsers';
import { cookieScopeFor, handshakeDirectives, type SignedInCookies } from './handshake-cookies';
import { openWithNonce, sealForNonce } from './nonce-seal';

/** Clerk's Frontend API is a development instance's: a production one answers that it has none. */
export function assertDevelopmentInstance(ctx: ServerContext): void {
  if (ctx.environment !== 'development') {
    throw new ApiError(
      'resource_not_found',
      "Clerk's development handshake exists only on development instances (sk_test_ keys).",
    );
  }
}

/**
 * Issues a nonce for a client and returns `redirectUrl` carrying it: single use, at most 60 seconds,
 * redeemed by the app's backend with its secret key for the client's cookies.
 */
async function issueNonce(
  db: Executor,
  clientId: string,
  devBrowser: string,
  redirectUrl: string,
  now: number,
): Promise<string> {
  const nonce = generateTicketValue();
  await insertHandshakeNonce(db, {
    nonce_hash: sha256Hex(nonce),
    client_id: clientId,
    sealed_dev_browser: sealForNonce(nonce, devBrowser),
    redirect_origin: new URL(redirectUrl).origin,
    created_at: now,
    expires_at: now + HANDSHAKE_NONCE_LIFETIME_SECONDS * 1000,
    redeemed_at: null,
  });
  const url = new URL(redirectUrl);
  url.searchParams.set(HANDSHAKE_NONCE_PARAM, nonce);
  return url.href;
}

/**
 * Where a browser that accepted a ticket for a Clerk app goes: the session's client is made (with a
 * development browser) and the app gets a nonce, which its own `clerkMiddleware` redeems. Runs in the
 * acceptance's transaction.
 */
export async function clerkLandingRedirect(
  db: Executor,
  session: SessionTable,
  redirectUrl: string,
  now: number,
): Promise<string> {
  const { devBrowser } = await createSessionClient(db, session.client_id, now);
  return issueNonce(db, session.client_id, devBrowser, redirectUrl, now);
}

export interface HandshakeRequest {
  readonly redirectUrl: string;
  readonly format: string | undefined;
  /** The development-browser token the browser presented, if any. */
  readonly devBrowser: string | undefined;
  /** The secret key Clerk's proxy forwards (`Clerk-Secret-Key`), when the request came through one. */
  readonly proxySecretKey: string | undefined;
}

/**
 * `GET /v1/client/handshake`: finds the browser's client from its development browser (a new client
 * when it has none) and returns where to send it: `redirect_url` with a nonce. Every check comes
 * before any write, so a refusal leaves nothing behind.
 */
export async function startHandshake(ctx: ServerContext, request: HandshakeRequest): Promise<string> {
  assertDevelopmentInstance(ctx);
  if (
    request.proxySecretKey !== undefined &&
    !digestsEqual(sha256Hex(request.proxySecretKey), ctx.secretKeyHash)
  ) {
    throw new ApiError(
      'clerk_key_invalid',
      "The secret key Clerk's proxy sent (the app's CLERK_SECRET_KEY) is not this instance's secret key.",
    );
  }
  if (request.format !== undefined && request.format !== 'nonce') {
    throw new ApiError(
      'handshake_format_unsupported',
      'tessera answers the handshake only with format=nonce: the token form is never checked for expiry by the client.',
      { param_name: 'format' },
    );
  }
  const redirectUrl = handshakeRedirectUrl(ctx, request.redirectUrl);
  const now = ctx.clock.now();
  const presented = request.devBrowser || undefined;
  if (presented !== undefined) {
    const clientId = await clientOfDevBrowser(ctx, ctx.db, presented);
    return issueNonce(ctx.db, clientId, presented, redirectUrl, now);
  }
  const { clientId, devBrowser } = sessionlessClient(ctx, now);
  return issueNonce(ctx.db, clientId, devBrowser, redirectUrl, now);
}

/** `POST /v1/dev_browser`: an empty client's development-browser token (nothing is stored). */
export function createDevBrowser(ctx: ServerContext): { clientId: string; devBrowser: string } {
  assertDevelopmentInstance(ctx);
  return sessionlessClient(ctx, ctx.clock.now());
}

/**
 * The handshake's `redirect_url` under the ticket redirect policy; a refusal says which setting
 * lists a Clerk app, since that is what a refused handshake usually lacks.
 */
function handshakeRedirectUrl(ctx: ServerContext, raw: string): string {
  try {
    return checkRedirectUrl(raw, ctx.settings, ctx.environment);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'redirect_url_not_allowed') throw error;
    const origin = URL.canParse(raw) ? new URL(raw).origin : undefined;
    throw new ApiError(
      'redirect_url_not_allowed',
      origin && origin !== 'null'
        ? `The handshake's redirect_url is on ${origin}, which this instance does not allow. If it is a Clerk app, list it in TESSERA_CLERK_APP_ORIGINS (tessera serve --clerk-app-origins ${origin}).`
        : "The handshake's redirect_url must be an absolute http(s) URL on an allowed origin.",
      { param_name: 'redirect_url' },
    );
  }
}

const INVALID_NONCE = () =>
  new ApiError('handshake_nonce_invalid', 'This handshake nonce is unknown, expired or already used.', {
    param_name: 'nonce',
  });

/** The `iat` of a JWT this instance has just signed. */
function issuedAtOf(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { iat: number };
  return payload.iat;
}

/**
 * A JWT and a new refresh token for the client's session, or undefined when it can no longer sign in
 * (revoked, ended, expired, its user banned or deleted since the lookup).
 */
async function signedInCookies(
  ctx: ServerContext,
  session: SessionTable,
  caller: Caller,
): Promise<SignedInCookies | undefined> {
  let jwt: string;
  try {
    jwt = await mintSessionToken(ctx, session, caller);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'session_not_active') return undefined;
    throw error;
  }
  const refreshToken = generateTicketValue();
  await setRefreshTokenHash(ctx.db, session.id, sha256Hex(refreshToken));
  return { jwt, issuedAt: issuedAtOf(jwt), refreshToken };
}

/**
 * `GET /v1/clients/handshake_payload`: redeems a nonce once and returns the cookies the app sets:
 * signed in with the client's newest active session, or signed out.
 */
export async function redeemHandshakePayload(
  ctx: ServerContext,
  nonce: string,
  caller: Caller,
): Promise<string[]> {
  assertDevelopmentInstance(ctx);
  const now = ctx.clock.now();
  const record = await redeemHandshakeNonce(ctx.db, sha256Hex(nonce), now);
  const devBrowser = record && openWithNonce(nonce, record.sealed_dev_browser);
  if (!record || devBrowser === undefined) throw INVALID_NONCE();
  const session = await findActiveSessionOfClient(ctx.db, record.client_id, now);
  const signedIn = session ? await signedInCookies(ctx, session, caller) : undefined;
  return handshakeDirectives(cookieScopeFor(ctx, record.redirect_origin), devBrowser, signedIn);
}
