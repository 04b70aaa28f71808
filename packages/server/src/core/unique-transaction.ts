import type { Executor } from '../store/database';
import type { ApiError } from './api-error';
import type { ServerContext } from './context';

/**
 * Runs `work` in a transaction. Two requests can race past its "is it taken?" checks; the unique index
 * then refuses the second, which answers `taken()` (the 422 naming the field) rather than a 500.
 */
export function transactionOfUniqueWrites<T>(
  ctx: ServerContext,
  work: (trx: Executor) => Promise<T>,
  taken: () => ApiError,
): Promise<T> {
  return ctx.db
    .transaction()
    .execute(work)
    .catch((error: unknown) => {
      throw ctx.dialect.isUniqueViolation(error) ? taken() : error;
    });
}
