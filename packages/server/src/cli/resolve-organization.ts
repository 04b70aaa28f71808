import { ID_PREFIXES, type OrganizationJSON } from '@tessera/wire';
import type { ApiClient } from './api-client';

/** A path segment for an organization id or slug. */
export const orgPath = (idOrSlug: string) => `/v1/organizations/${encodeURIComponent(idOrSlug)}`;

/** The organization an id or a slug names, read through the API (slugs never hold `_`, ids always do). */
export function getOrganization(client: ApiClient, idOrSlug: string): Promise<OrganizationJSON> {
  return client.request<OrganizationJSON>('GET', orgPath(idOrSlug));
}

/** Accepts an organization id as it is, or a slug looked up through the API. */
export async function resolveOrganizationId(client: ApiClient, idOrSlug: string): Promise<string> {
  if (idOrSlug.startsWith(`${ID_PREFIXES.organization}_`)) return idOrSlug;
  return (await getOrganization(client, idOrSlug)).id;
}
