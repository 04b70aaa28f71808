import type { UserJSON } from '@tessera/wire';
import type { StudioApi } from './api';
import { userLabel } from './format';
import { html, type SafeHtml } from './html';

/**
 * Who each user id is (email, else username, else id), in one Backend API call; ids of deleted users
 * are left out, and shown as their id.
 */
export async function userLabels(api: StudioApi, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const users = await api.get<UserJSON[]>('/v1/users', { user_id: unique, limit: unique.length });
  return new Map(users.map((user) => [user.id, userLabel(user)]));
}

/** A table cell's link to a user's page, labelled as `userLabels` found them (else by the id). */
export function userCell(userId: string, labels: ReadonlyMap<string, string>): SafeHtml {
  return html`<a href="/studio/users/${encodeURIComponent(userId)}">${labels.get(userId) ?? userId}</a>`;
}
