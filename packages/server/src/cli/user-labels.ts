import type { UserJSON } from '@tessera/wire';
import type { ApiClient } from './api-client';

/** Ids per lookup: 100 ids keep the query string near 4 KB, well under Node's 16 KB of headers. */
const IDS_PER_REQUEST = 100;

/** Who a user is to a person: the primary email address, else the username, else the id. */
export function userLabel(user: UserJSON): string {
  const email = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  return email?.email_address ?? user.username ?? user.id;
}

/**
 * The label of each user id, looked up in a few requests (`GET /v1/users?user_id=...`). An id no user
 * has any more (deleted) is its own label.
 */
export async function userLabels(
  client: ApiClient,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)];
  const labels = new Map(unique.map((id) => [id, id]));
  for (let start = 0; start < unique.length; start += IDS_PER_REQUEST) {
    const ids = unique.slice(start, start + IDS_PER_REQUEST);
    const users = await client.request<UserJSON[]>('GET', '/v1/users', {
      query: { user_id: ids, limit: String(ids.length) },
    });
    for (const user of users) labels.set(user.id, userLabel(user));
  }
  return labels;
}
