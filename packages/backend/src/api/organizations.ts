import {
  type getOrganizationQuery,
  type Infer,
  type ListOrganizationsQuery,
  ORGANIZATION_SLUG_PATTERN,
  type OrganizationJSON,
  organizationObject,
  type CreateOrganizationParams as WireCreateParams,
  type OrganizationMetadataParams as WireMetadataParams,
  type UpdateOrganizationParams as WireUpdateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { ConfigurationError } from '../errors';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import type { DeletedObject } from '../resources/deleted-object';
import { Organization, toOrganization } from '../resources/organization';
import { type CrudApi, createCrudApi, metadataMethod } from './crud';

/**
 * The fields of a new organization. Without `slug`, one is made from the name; `createdBy` becomes
 * its first admin (`org:admin`); `id` (`org_` and 1 to 64 letters and digits) is for fixtures.
 *
 * @example
 * ```ts
 * const params: CreateOrganizationParams = { name: 'Acme', slug: 'acme', createdBy: 'user_...' };
 * ```
 */
export type CreateOrganizationParams = CamelParams<WireCreateParams>;

/**
 * Fields to change.
 *
 * @example
 * ```ts
 * const params: UpdateOrganizationParams = { name: 'Acme Inc.', maxAllowedMemberships: 50 };
 * ```
 */
export type UpdateOrganizationParams = CamelParams<WireUpdateParams>;

/**
 * Metadata to merge (`organizations.updateMetadata`) or to put in place
 * (`organizations.replaceMetadata`); a metadata left out is left as it is. Keys are sent as given.
 *
 * @example
 * ```ts
 * const params: OrganizationMetadataParams = { publicMetadata: { plan: 'pro', trial: null } };
 * ```
 */
export type OrganizationMetadataParams = CamelParams<WireMetadataParams>;

/**
 * Options of `organizations.get` and `organizations.getBySlug`.
 *
 * @example
 * ```ts
 * const params: GetOrganizationParams = { includeMembersCount: true };
 * ```
 */
export type GetOrganizationParams = CamelParams<Infer<typeof getOrganizationQuery>>;

/**
 * Filters (arrays match any of their values) and paging of `organizations.list`.
 *
 * @example
 * ```ts
 * const params: ListOrganizationsParams = { userId: ['user_...'], includeMembersCount: true, orderBy: 'name' };
 * ```
 */
export type ListOrganizationsParams = Omit<CamelParams<ListOrganizationsQuery>, 'paginated'>;

/**
 * `client.organizations`: create, read, list, change and delete organizations, and their metadata.
 *
 * @example
 * ```ts
 * const acme = await client.organizations.create({ name: 'Acme', createdBy: user.id });
 * const same = await client.organizations.getBySlug('acme', { includeMembersCount: true });
 * same.membersCount; // 1
 * ```
 */
export interface OrganizationsApi
  extends Omit<
    CrudApi<
      Organization,
      CreateOrganizationParams,
      UpdateOrganizationParams,
      ListOrganizationsParams,
      DeletedObject<'organization'>
    >,
    'get'
  > {
  /** `GET /v1/organizations/{id}`. */
  get(organizationId: string, params?: GetOrganizationParams): Promise<Organization>;
  /** `GET /v1/organizations/{slug}`. */
  getBySlug(slug: string, params?: GetOrganizationParams): Promise<Organization>;
  /**
   * `PATCH /v1/organizations/{id}/metadata`: deep merge. Nested objects merge; a key set to `null` is
   * removed, at any level.
   */
  updateMetadata(organizationId: string, params: OrganizationMetadataParams): Promise<Organization>;
  /** `PUT /v1/organizations/{id}/metadata`: each metadata given replaces the stored one (`{}` clears it). */
  replaceMetadata(organizationId: string, params: OrganizationMetadataParams): Promise<Organization>;
}

const organizations = {
  path: '/organizations',
  resource: 'Organization',
  idOption: 'organizationId',
  schema: organizationObject,
  map: toOrganization,
  // An arrow, as in users.ts: a module-level property read would keep this module in every bundle.
  read: (json: unknown) => Organization.fromJSON(json),
  deleted: 'organization',
} as const;

function slugOf(value: unknown): string {
  if (typeof value !== 'string' || !ORGANIZATION_SLUG_PATTERN.test(value)) {
    throw new ConfigurationError('slug', 'must be a slug: lower-case letters, digits and "-"');
  }
  return value;
}

export function createOrganizationsApi(request: Requester): OrganizationsApi {
  const { path, resource, read } = organizations;
  const getAt = async (key: string, params: GetOrganizationParams = {}) =>
    request({
      method: 'GET',
      path: `${path}/${key}`,
      query: toWireBody(params),
      resource,
      read,
    });
  return {
    ...createCrudApi<
      OrganizationJSON,
      Organization,
      'organization',
      CreateOrganizationParams,
      UpdateOrganizationParams,
      ListOrganizationsParams
    >(request, organizations),
    get: async (id, params) => getAt(pathId('organizationId', id), params),
    getBySlug: async (slug, params) => getAt(slugOf(slug), params),
    updateMetadata: metadataMethod(request, organizations, 'PATCH'),
    replaceMetadata: metadataMethod(request, organizations, 'PUT'),
  };
}
