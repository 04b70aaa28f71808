import { fixturesResultObject } from '@tessera/wire';
import { readWire } from './read-wire';

/**
 * How many entries of each kind one application of a fixtures document touched.
 *
 * @example
 * ```ts
 * const counts: FixtureCounts = result.created; // { permissions: 1, roles: 1, users: 2, organizations: 1, memberships: 2 }
 * ```
 */
export interface FixtureCounts {
  readonly permissions: number;
  readonly roles: number;
  readonly users: number;
  readonly organizations: number;
  readonly memberships: number;
}

/**
 * The reply to `fixtures.apply`: what was created, updated, and found already as the document says.
 *
 * @example
 * ```ts
 * const result = await client.fixtures.apply(document);
 * result.unchanged.users; // applied twice: everything is unchanged the second time
 * ```
 */
export interface FixturesResult {
  readonly object: 'fixtures_result';
  readonly created: FixtureCounts;
  readonly updated: FixtureCounts;
  readonly unchanged: FixtureCounts;
}

/**
 * Reads a `fixtures_result` object from the wire.
 *
 * @example
 * ```ts
 * const result = FixturesResult.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const FixturesResult = {
  fromJSON(json: unknown): FixturesResult {
    const wire = readWire(fixturesResultObject, json, 'FixturesResult');
    return Object.freeze({
      object: wire.object,
      created: Object.freeze({ ...wire.created }),
      updated: Object.freeze({ ...wire.updated }),
      unchanged: Object.freeze({ ...wire.unchanged }),
    });
  },
};
