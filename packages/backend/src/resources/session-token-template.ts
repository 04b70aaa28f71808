import { sessionTokenTemplateObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * The instance's session token template: custom claims (shortcodes allowed) merged into every session
 * JWT, as top-level claims.
 *
 * @example
 * ```ts
 * const template = await client.sessionTokenTemplate.get();
 * template.claims; // { email: '{{user.primary_email_address}}' }
 * ```
 */
export interface SessionTokenTemplate {
  readonly object: 'session_token_template';
  readonly claims: JsonObject;
  /** Unix ms of the last change; null when it was never set. */
  readonly updatedAt: number | null;
}

/**
 * Reads a `session_token_template` object from the wire.
 *
 * @example
 * ```ts
 * const template = SessionTokenTemplate.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const SessionTokenTemplate = {
  fromJSON(json: unknown): SessionTokenTemplate {
    const wire = readWire(sessionTokenTemplateObject, json, 'SessionTokenTemplate');
    return Object.freeze({ object: wire.object, claims: wire.claims, updatedAt: wire.updated_at });
  },
};
