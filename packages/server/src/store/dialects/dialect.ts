import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';

/** Where the data lives, parsed from `--db` / `TESSERA_DATABASE_URL`. */
export type DatabaseLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };

/** Everything that differs between databases; the rest of the store is one portable code path. */
export interface Dialect {
  readonly name: DatabaseLocation['kind'];
  readonly db: Kysely<Database>;
  /** Runs `work` in a transaction that no other node runs at the same time (bootstrap, key rotation). */
  exclusive<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** A write refused by a unique index. */
  isUniqueViolation(error: unknown): boolean;
  /** The database cannot be reached right now: answer 503, the node recovers by itself. */
  isUnavailable(error: unknown): boolean;
  close(): Promise<void>;
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
