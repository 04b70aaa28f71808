import { DEFAULT_LIMIT } from '@tessera/wire';

export interface Paging {
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  /** `created_at`, `+created_at` or `-created_at`; validated against each list's allowed fields. */
  readonly order_by?: string | undefined;
}

export interface Ordering<C extends string> {
  readonly column: C;
  readonly direction: 'asc' | 'desc';
}

/** Splits `order_by` into a column and a direction; newest first when absent. */
export function orderingOf<C extends string>(orderBy: string | undefined, fallback: C): Ordering<C> {
  if (!orderBy) return { column: fallback, direction: 'desc' };
  return { column: orderBy.replace(/^[+-]/, '') as C, direction: orderBy.startsWith('-') ? 'desc' : 'asc' };
}

export function limitOf(paging: Paging): number {
  return paging.limit ?? DEFAULT_LIMIT;
}

export function offsetOf(paging: Paging): number {
  return paging.offset ?? 0;
}
