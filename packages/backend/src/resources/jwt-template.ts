import { type JwtTemplateJSON, jwtTemplateObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * A JWT template: claims (with shortcodes such as `{{user.id}}`) that
 * `sessions.getToken(sessionId, name)` renders into a JWT for another service, signed with the
 * instance's RS256 keys. Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const template = await client.jwtTemplates.create({ name: 'supabase', claims: { role: 'authenticated' } });
 * template.lifetime; // 60 (seconds)
 * ```
 */
export interface JwtTemplate {
  readonly object: 'jwt_template';
  /** `jtmp_...`. */
  readonly id: string;
  readonly name: string;
  readonly claims: JsonObject;
  /** Seconds a JWT made from it lives. */
  readonly lifetime: number;
  /** Seconds its `nbf` is set back. */
  readonly allowedClockSkew: number;
  readonly customSigningKey: boolean;
  readonly signingAlgorithm: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toJwtTemplate(wire: JwtTemplateJSON): JwtTemplate {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    name: wire.name,
    claims: wire.claims,
    lifetime: wire.lifetime,
    allowedClockSkew: wire.allowed_clock_skew,
    customSigningKey: wire.custom_signing_key,
    signingAlgorithm: wire.signing_algorithm,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `jwt_template` object from the wire.
 *
 * @example
 * ```ts
 * const template = JwtTemplate.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const JwtTemplate = {
  fromJSON(json: unknown): JwtTemplate {
    return toJwtTemplate(readWire(jwtTemplateObject, json, 'JwtTemplate'));
  },
};
