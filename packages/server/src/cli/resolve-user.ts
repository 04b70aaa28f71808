import type { UserJSON } from '@tessera/wire';
import type { ApiClient } from './api-client';
import { CliError } from './io';

/** Accepts a user id, or an email address / username looked up through the API. */
export async function resolveUserId(client: ApiClient, user: string): Promise<string> {
  if (user.startsWith('user_')) return user;
  const filter = user.includes('@') ? { email_address: user } : { username: user };
  const [found] = await client.request<UserJSON[]>('GET', '/v1/users', { query: { ...filter, limit: '1' } });
  if (!found)
    throw new CliError(`no user has the ${user.includes('@') ? 'email address' : 'username'} "${user}"`);
  return found.id;
}

/** The filters of the `list` commands scoped to one user. */
export interface UserListFilters {
  readonly user?: string;
  readonly status?: string;
  readonly limit: string;
}

/** GETs a list endpoint filtered by `--user` (id, email or username), `--status` and `--limit`. */
export async function listForUser<T>(
  client: ApiClient,
  path: string,
  filters: UserListFilters,
): Promise<T[]> {
  const userId = filters.user === undefined ? undefined : await resolveUserId(client, filters.user);
  return client.request<T[]>('GET', path, {
    query: { user_id: userId, status: filters.status, limit: filters.limit },
  });
}
