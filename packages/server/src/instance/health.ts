import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { pingDatabase } from '../store/health-store';

/**
 * Readiness: resolves when the database answers, otherwise throws 503 `service_unavailable`.
 * @example await checkHealth(ctx);
 */
export async function checkHealth(ctx: ServerContext): Promise<void> {
  try {
    await pingDatabase(ctx.db);
  } catch {
    throw new ApiError('service_unavailable', 'The database cannot be reached.');
  }
}
