import { array, boolean, integer, literal, object, optional, type Schema } from '../schema';

/** Unix milliseconds. */
export const timestamp = integer({ min: 0, description: 'Unix time in milliseconds' });

/** `order_by` accepts a field, optionally prefixed with `+` (ascending) or `-` (descending). */
/* @__NO_SIDE_EFFECTS__ */
export function orderBy<const F extends readonly [string, ...string[]]>(...fields: F) {
  const values = fields.flatMap((field) => [field, `+${field}`, `-${field}`]) as unknown as [
    string,
    ...string[],
  ];
  return optional(literal(...values));
}

/** Query parameters every list endpoint takes. */
export const pagingQuery = {
  limit: optional(integer({ min: 1, max: 500, description: 'Page size, 1 to 500 (default 10)' })),
  offset: optional(integer({ min: 0, description: 'Items to skip (default 0)' })),
  paginated: optional(boolean()),
} as const;

export const DEFAULT_LIMIT = 10;

/** `{ data, total_count }`, the reply to a list request with `paginated=true`. */
/* @__NO_SIDE_EFFECTS__ */
export function paginated<T>(item: Schema<T>) {
  return object({ data: array(item), total_count: integer({ min: 0 }) });
}

export const totalCountObject = object({ object: literal('total_count'), total_count: integer({ min: 0 }) });
