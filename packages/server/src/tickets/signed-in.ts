import type { ServerContext } from '../core/context';
import { sessionStatusAt } from '../sessions/serialize-session';
import { readOwnSessionJwt } from '../sessions/session-jwt';
import { findSessionById } from '../store/sessions-store';
import { findUserById } from '../store/users-store';

export interface SignedIn {
  readonly userId: string;
  readonly sessionId: string;
  /** How to name the user to themselves: primary email, else username, else the user id. */
  readonly label: string;
}

/**
 * Who a session cookie's JWT signs its browser in as, for the page a ticket without a redirect
 * lands on. The cookie outlives its JWT and its session may have ended: only an active session counts.
 * @example const who = await whoIsSignedIn(ctx, cookieJwt); // undefined when not signed in
 */
export async function whoIsSignedIn(
  ctx: ServerContext,
  jwt: string | undefined,
): Promise<SignedIn | undefined> {
  const claims = jwt ? await readOwnSessionJwt(jwt, ctx.keys) : undefined;
  // A JWT from a JWT template names no session: it signs no browser in.
  const session = claims?.sid ? await findSessionById(ctx.db, claims.sid) : undefined;
  if (!claims || !session || sessionStatusAt(session, ctx.clock.now()) !== 'active') return undefined;
  const user = await findUserById(ctx.db, claims.sub);
  const email = user?.emails.find((address) => address.id === user.primary_email_address_id)?.email_address;
  const label = [email, user?.username, claims.sub].find((value) => value) ?? claims.sub;
  return { userId: claims.sub, sessionId: session.id, label };
}
