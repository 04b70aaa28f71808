import { type StudioApi, StudioApiError } from './api';

/** The filters a Studio list of sessions or tickets takes from its query. */
export interface StatusAndUserFilters {
  readonly status?: string | undefined;
  readonly userId?: string | undefined;
  readonly page: number;
}

export const PER_PAGE = 50;

/**
 * One page of a list the API filters by status and user, newest first, with its total. A user id the
 * API refuses is not an error page: the list comes back empty with the refusal, shown at the field.
 */
export async function statusAndUserPage<T>(
  api: StudioApi,
  path: string,
  filters: StatusAndUserFilters,
): Promise<{ list: { data: T[]; total_count: number }; userIdError: StudioApiError | undefined }> {
  try {
    const list = await api.get<{ data: T[]; total_count: number }>(path, {
      ...(filters.status && { status: filters.status }),
      ...(filters.userId && { user_id: filters.userId }),
      limit: PER_PAGE,
      offset: (filters.page - 1) * PER_PAGE,
      order_by: '-created_at',
      paginated: true,
    });
    return { list, userIdError: undefined };
  } catch (error) {
    if (error instanceof StudioApiError && error.status < 500 && error.paramName === 'user_id') {
      return { list: { data: [], total_count: 0 }, userIdError: error };
    }
    throw error;
  }
}
