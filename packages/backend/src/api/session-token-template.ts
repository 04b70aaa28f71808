import type { Requester } from '../client/request';
import type { JsonObject } from '../resources/read-wire';
import { SessionTokenTemplate } from '../resources/session-token-template';

/**
 * The instance's session token template to put in place: custom claims (at most 2 KiB as JSON;
 * shortcodes such as `{{user.public_metadata.role}}` allowed; reserved claims such as `sub` or `o`
 * refused), sent exactly as given. `{}` clears it.
 *
 * @example
 * ```ts
 * const params: SetSessionTokenTemplateParams = { claims: { role: '{{user.public_metadata.role}}' } };
 * ```
 */
export interface SetSessionTokenTemplateParams {
  readonly claims: JsonObject;
}

/**
 * `client.sessionTokenTemplate`: custom claims in every session JWT of the instance, as top-level
 * claims (a test session token's own `claims` go over them).
 *
 * @example
 * ```ts
 * await client.sessionTokenTemplate.set({ claims: { email: '{{user.primary_email_address}}' } });
 * const { claims } = await client.sessionTokenTemplate.get();
 * ```
 */
export interface SessionTokenTemplateApi {
  /** `GET /v1/session_token_template`. */
  get(): Promise<SessionTokenTemplate>;
  /** `PUT /v1/session_token_template`: replaces the claims. */
  set(params: SetSessionTokenTemplateParams): Promise<SessionTokenTemplate>;
}

const resource = 'SessionTokenTemplate';

export function createSessionTokenTemplateApi(request: Requester): SessionTokenTemplateApi {
  const path = '/session_token_template';
  return {
    get: async () => request({ method: 'GET', path, resource, read: SessionTokenTemplate.fromJSON }),
    set: async ({ claims }) =>
      request({ method: 'PUT', path, body: { claims }, resource, read: SessionTokenTemplate.fromJSON }),
  };
}
