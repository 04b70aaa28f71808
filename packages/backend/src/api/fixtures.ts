import type { FixturesDocument as WireFixturesDocument } from '@tessera/wire';
import type { Requester } from '../client/request';
import { FixturesResult } from '../resources/fixtures-result';
import type { CreateOptions } from './common';

/**
 * A fixtures document, exactly as `tessera seed` reads it from a file: `permissions`, `roles`,
 * `users`, `organizations` (with their `members`) and `session_token_template`, in the wire's
 * snake_case at every level (`email_address`, `created_by`, ...), sent as given. Entries are found by
 * `id` when given, else a user by its first email address or username and an organization by its
 * slug; what already matches is left as it is.
 *
 * @example
 * ```ts
 * const document: FixturesDocument = {
 *   permissions: [{ key: 'org:invoices:read', name: 'Read invoices' }],
 *   roles: [{ key: 'org:accountant', name: 'Accountant', permissions: ['org:invoices:read'] }],
 *   users: [{ id: 'user_ada', email_address: ['ada@example.com'] }],
 *   organizations: [{ id: 'org_acme', name: 'Acme', members: [{ user: 'user_ada', role: 'org:accountant' }] }],
 * };
 * ```
 */
export type FixturesDocument = WireFixturesDocument;

/**
 * `client.fixtures`: users, organizations, roles and permissions a test suite starts from, in one
 * request and one transaction.
 *
 * @example
 * ```ts
 * const first = await client.fixtures.apply(document);
 * const again = await client.fixtures.apply(document); // changes nothing: again.unchanged holds it all
 * ```
 */
export interface FixturesApi {
  /**
   * `POST /v1/fixtures` with an `Idempotency-Key`: everything in the document, or nothing (the
   * server's validation error names the first bad entry).
   */
  apply(document: FixturesDocument, options?: CreateOptions): Promise<FixturesResult>;
}

export function createFixturesApi(request: Requester): FixturesApi {
  return {
    apply: async (document, options = {}) =>
      request({
        method: 'POST',
        path: '/fixtures',
        body: document,
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource: 'FixturesResult',
        read: FixturesResult.fromJSON,
      }),
  };
}
