import { sessionHandoffObject, sessionRefreshObject } from '@tessera/wire';
import { readWire } from './read-wire';
import { type Session, toSession } from './session';

/**
 * The reply to redeeming a handoff: the session that was carried to the app's origin, its first JWT
 * and a refresh token bound to it. Both credentials belong in HttpOnly cookies, never in a URL or a log.
 *
 * @example
 * ```ts
 * const { session, jwt, refreshToken } = await client.sessions.redeemHandoff(handoff);
 * ```
 */
export interface SessionHandoff {
  readonly object: 'session_handoff';
  readonly session: Session;
  /** A bearer credential: keep it out of logs. */
  readonly jwt: string;
  /** Renews the JWT while the session is active (`sessions.refresh`): keep it out of logs. */
  readonly refreshToken: string;
}

/**
 * Reads a `session_handoff` object from the wire.
 *
 * @example
 * ```ts
 * const { session, jwt, refreshToken } = SessionHandoff.fromJSON(json);
 * ```
 */
export const SessionHandoff = {
  fromJSON(json: unknown): SessionHandoff {
    const wire = readWire(sessionHandoffObject, json, 'SessionHandoff');
    return Object.freeze({
      object: wire.object,
      session: toSession(wire.session),
      jwt: wire.jwt,
      refreshToken: wire.refresh_token,
    });
  },
};

/**
 * The reply to a refresh: the session (still active) and a fresh JWT for it.
 *
 * @example
 * ```ts
 * const { session, jwt } = await client.sessions.refresh(refreshToken);
 * ```
 */
export interface SessionRefresh {
  readonly object: 'session_refresh';
  readonly session: Session;
  /** A bearer credential: keep it out of logs. */
  readonly jwt: string;
}

/**
 * Reads a `session_refresh` object from the wire.
 *
 * @example
 * ```ts
 * const { session, jwt } = SessionRefresh.fromJSON(json);
 * ```
 */
export const SessionRefresh = {
  fromJSON(json: unknown): SessionRefresh {
    const wire = readWire(sessionRefreshObject, json, 'SessionRefresh');
    return Object.freeze({ object: wire.object, session: toSession(wire.session), jwt: wire.jwt });
  },
};
