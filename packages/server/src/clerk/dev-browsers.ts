import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isId } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { digestsEqual, generateTicketValue, sha256Hex } from '../core/secrets';
import { findClient, insertClient } from '../store/clients-store';
import type { Executor } from '../store/database';

/**
 * A client is a browser holding sessions (Clerk's client); its browser presents Clerk's development
 * browser token, `<client id>.<secret>`. A client that holds a session (made when a ticket lands in a
 * Clerk app) has a row and a random secret, stored only as a hash. A client that holds none (a first
 * visit, `POST /v1/dev_browser`) has no row: its secret is an HMAC of its id, so that visits by
 * crawlers or new browser contexts write nothing.
 */
export interface NewClient {
  readonly clientId: string;
  readonly devBrowser: string;
}

/** The HMAC key of session-less clients, derived from the instance's secret key (its hash). */
function sessionlessKey(ctx: ServerContext): Buffer {
  return Buffer.from(hkdfSync('sha256', ctx.secretKeyHash, ctx.instanceId, 'tessera dev browser', 32));
}

function sessionlessSecret(ctx: ServerContext, clientId: string): string {
  return createHmac('sha256', sessionlessKey(ctx)).update(clientId).digest('base64url');
}

/** A client that holds no session yet: nothing is written. */
export function sessionlessClient(ctx: ServerContext, now: number): NewClient {
  const clientId = newId('client', now);
  return { clientId, devBrowser: `${clientId}.${sessionlessSecret(ctx, clientId)}` };
}

/** The client of a session a ticket started (its `client_id`), with a random secret, stored hashed. */
export async function createSessionClient(db: Executor, clientId: string, now: number): Promise<NewClient> {
  const devBrowser = `${clientId}.${generateTicketValue()}`;
  await insertClient(db, {
    id: clientId,
    dev_browser_hash: sha256Hex(devBrowser),
    created_at: now,
    updated_at: now,
  });
  return { clientId, devBrowser };
}

const INVALID_DEV_BROWSER = () =>
  new ApiError(
    'dev_browser_invalid',
    "This browser's development-browser token (__clerk_db_jwt) is not one this tessera instance issued. Clear the app's cookies and sign in again.",
    { param_name: '__clerk_db_jwt' },
  );

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The id of the client a presented development-browser token belongs to. A token this instance did
 * not issue (tampered, made up, another instance's) is refused. Client ids are not secret; the
 * secrets are compared in constant time.
 */
export async function clientOfDevBrowser(
  ctx: ServerContext,
  db: Executor,
  devBrowser: string,
): Promise<string> {
  const dot = devBrowser.indexOf('.');
  const clientId = devBrowser.slice(0, dot);
  if (dot < 0 || !isId('client', clientId)) throw INVALID_DEV_BROWSER();
  const client = await findClient(db, clientId);
  const valid = client
    ? digestsEqual(sha256Hex(devBrowser), client.dev_browser_hash)
    : sameText(devBrowser.slice(dot + 1), sessionlessSecret(ctx, clientId));
  if (!valid) throw INVALID_DEV_BROWSER();
  return clientId;
}
