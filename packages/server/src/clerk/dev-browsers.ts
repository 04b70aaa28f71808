import { isId } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import { newId } from '../core/ids';
import { digestsEqual, generateTicketValue, sha256Hex } from '../core/secrets';
import { findClient, insertClient } from '../store/clients-store';
import type { Executor } from '../store/database';
import type { ClientTable } from '../store/schema';

/**
 * A client (a browser holding sessions) and the token its browser presents, Clerk's development
 * browser: `<client id>.<256 random bits>`. Only the token's hash is stored.
 */
export interface NewClient {
  readonly client: ClientTable;
  readonly devBrowser: string;
}

/** Creates a client, with the given id (a session's `client_id`) or a new one. */
export async function createClient(db: Executor, now: number, id = newId('client', now)): Promise<NewClient> {
  const devBrowser = `${id}.${generateTicketValue()}`;
  const client: ClientTable = {
    id,
    dev_browser_hash: sha256Hex(devBrowser),
    created_at: now,
    updated_at: now,
  };
  await insertClient(db, client);
  return { client, devBrowser };
}

const INVALID_DEV_BROWSER = () =>
  new ApiError(
    'dev_browser_invalid',
    "This browser's development-browser token (__clerk_db_jwt) is not one this tessera instance issued. Clear the app's cookies and sign in again.",
    { param_name: '__clerk_db_jwt' },
  );

/**
 * The client a presented development-browser token belongs to. A token this instance did not issue
 * (tampered, made up, or another instance's) is refused: the same answer for each, in the same time.
 */
export async function clientOfDevBrowser(db: Executor, devBrowser: string): Promise<ClientTable> {
  const id = devBrowser.slice(0, devBrowser.indexOf('.'));
  const client = isId('client', id) ? await findClient(db, id) : undefined;
  if (!client || !digestsEqual(sha256Hex(devBrowser), client.dev_browser_hash)) throw INVALID_DEV_BROWSER();
  return client;
}
