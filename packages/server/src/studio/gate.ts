import type { ServerContext } from '../core/context';
import { pooledRandomBytes } from '../core/random-pool';
import { digestsEqual, SECRET_KEY_PATTERN, sha256Hex } from '../core/secrets';
import { readCookie } from '../http/request-cookies';
import type { HttpRequest } from '../http/types';
import {
  deleteStudioSession,
  insertStudioSession,
  studioSessionIsLive,
} from '../store/studio-sessions-store';
import { STUDIO_SESSION_COOKIE, studioCookie } from './cookies';

/** How long a Studio sign-in lasts. */
export const STUDIO_SESSION_SECONDS = 12 * 60 * 60;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether a listening host (`--host`) or a Host header's name is this machine's loopback. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** The name in a Host header (`127.0.0.1:4000`, `[::1]:4000`, `localhost`). */
function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/** Headers a proxy or tunnel adds: a request that carries one did not come from this machine's browser. */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-real-ip',
  'cf-connecting-ip',
];

/**
 * Whether a request to an open (loopback) Studio comes from this machine: asked for by a loopback
 * name (not a DNS name pointed at 127.0.0.1, DNS rebinding) and not relayed by a proxy or a tunnel.
 * Any other request meets the gate, as on a non-loopback instance.
 */
export function isLocalRequest(request: HttpRequest): boolean {
  const hostname = hostnameOf(request.headers.host);
  if (hostname === undefined || !isLoopback(hostname)) return false;
  return FORWARDING_HEADERS.every((name) => request.headers[name] === undefined);
}

/** Whether a presented secret key is this instance's (only its hash is stored). */
export function isInstanceSecretKey(ctx: ServerContext, presented: string): boolean {
  return SECRET_KEY_PATTERN.test(presented) && digestsEqual(sha256Hex(presented), ctx.secretKeyHash);
}

/** Starts a Studio sign-in: the cookie to set; only the value's hash is stored. */
export async function startStudioSession(ctx: ServerContext, secure: boolean): Promise<string> {
  const token = pooledRandomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await insertStudioSession(ctx.db, {
    token_hash: sha256Hex(token),
    created_at: now,
    expires_at: now + STUDIO_SESSION_SECONDS * 1000,
  });
  return studioCookie(STUDIO_SESSION_COOKIE, token, secure, STUDIO_SESSION_SECONDS);
}

export async function hasStudioSession(ctx: ServerContext, request: HttpRequest): Promise<boolean> {
  const token = readCookie(request, STUDIO_SESSION_COOKIE);
  return token !== undefined && (await studioSessionIsLive(ctx.db, sha256Hex(token), ctx.clock.now()));
}

/** Ends the browser's Studio sign-in; the cookie that clears it. */
export async function endStudioSession(
  ctx: ServerContext,
  request: HttpRequest,
  secure: boolean,
): Promise<string> {
  const token = readCookie(request, STUDIO_SESSION_COOKIE);
  if (token !== undefined) await deleteStudioSession(ctx.db, sha256Hex(token));
  return studioCookie(STUDIO_SESSION_COOKIE, '', secure, 0);
}
