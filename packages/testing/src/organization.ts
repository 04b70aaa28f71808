import type { BackendApiClient } from '@tessera/backend';
import { ID_PREFIXES } from '@tessera/wire';

/**
 * The organization a session starts in: its id (`org_...`) or its slug (`acme`).
 *
 * @example
 * ```ts
 * const acme: SignInOrganization = 'acme';
 * await signIn(page, { email: 'ada@example.com' }, { organization: acme });
 * ```
 */
export type SignInOrganization = string;

/**
 * The organization's id: an id as it is, a slug looked up with `GET /v1/organizations/{slug}` (a slug
 * never holds `_`, an id always does). An unknown slug throws the SDK's `ApiResponseError`
 * (`resource_not_found`), as an unknown email does.
 */
export async function organizationIdOf(
  client: BackendApiClient,
  organization: SignInOrganization,
): Promise<string> {
  if (organization.startsWith(`${ID_PREFIXES.organization}_`)) return organization;
  return (await client.organizations.getBySlug(organization)).id;
}
