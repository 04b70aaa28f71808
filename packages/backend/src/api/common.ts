import { paginated, type Schema } from '@tessera/wire';
import type { PaginatedList } from '../resources/misc';
import { readWire } from '../resources/read-wire';

/**
 * Per-call options of a create.
 *
 * @example
 * ```ts
 * await client.users.create({ username: 'ada' }, { idempotencyKey: 'fixture-ada' });
 * ```
 */
export interface CreateOptions {
  /**
   * Sent as `Idempotency-Key`: the same key with the same body gets the same reply. Generated
   * (`crypto.randomUUID()`) when omitted, and reused across the client's own retries.
   */
  readonly idempotencyKey?: string;
}

/**
 * A reader for `{ data, total_count }` of one resource, mapped to `{ data, totalCount }`. Free of side
 * effects, so a module-level reader costs nothing to an app that does not use it.
 */
/* @__NO_SIDE_EFFECTS__ */
export function paginatedReader<W, T>(
  item: Schema<W>,
  map: (wire: W) => T,
  resource: string,
): (json: unknown) => PaginatedList<T> {
  const schema = paginated(item);
  return (json) => {
    const wire = readWire(schema, json, `PaginatedList<${resource}>`);
    return Object.freeze({ data: Object.freeze(wire.data.map(map)), totalCount: wire.total_count });
  };
}
