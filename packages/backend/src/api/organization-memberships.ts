import {
  type Infer,
  type ListOrganizationMembershipsQuery,
  type listUserOrganizationMembershipsQuery,
  type organizationMembershipMetadataParams,
  organizationMembershipObject,
  type updateOrganizationMembershipParams,
  type CreateOrganizationMembershipParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import type { PaginatedList } from '../resources/misc';
import { OrganizationMembership, toOrganizationMembership } from '../resources/organization-membership';
import { type CreateOptions, paginatedReader } from './common';

/**
 * Who joins, with which role (a role key such as `org:member`), and their membership's metadata.
 *
 * @example
 * ```ts
 * const params: CreateOrganizationMembershipParams = { userId: 'user_...', role: 'org:member' };
 * ```
 */
export type CreateOrganizationMembershipParams = CamelParams<WireCreateParams>;

/**
 * A member's new role.
 *
 * @example
 * ```ts
 * const params: UpdateOrganizationMembershipParams = { role: 'org:admin' };
 * ```
 */
export type UpdateOrganizationMembershipParams = CamelParams<
  Infer<typeof updateOrganizationMembershipParams>
>;

/**
 * Membership metadata to merge (nested objects merge; `null` removes a key).
 *
 * @example
 * ```ts
 * const params: OrganizationMembershipMetadataParams = { publicMetadata: { team: 'billing' } };
 * ```
 */
export type OrganizationMembershipMetadataParams = CamelParams<
  Infer<typeof organizationMembershipMetadataParams>
>;

/**
 * Filters (arrays match any of their values) and paging of `organizationMemberships.list`.
 *
 * @example
 * ```ts
 * const params: ListOrganizationMembershipsParams = { role: ['org:admin'], limit: 50 };
 * ```
 */
export type ListOrganizationMembershipsParams = Omit<
  CamelParams<ListOrganizationMembershipsQuery>,
  'paginated'
>;

/**
 * Paging of `organizationMemberships.listForUser` and `organizationMemberships.listAll`.
 *
 * @example
 * ```ts
 * const params: ListUserOrganizationMembershipsParams = { limit: 20, orderBy: '-created_at' };
 * ```
 */
export type ListUserOrganizationMembershipsParams = Omit<
  CamelParams<Infer<typeof listUserOrganizationMembershipsQuery>>,
  'paginated'
>;

/**
 * `client.organizationMemberships`: who is in which organization, with which role. A member is named
 * by the organization's id and the user's id.
 *
 * @example
 * ```ts
 * await client.organizationMemberships.create(organization.id, { userId: user.id, role: 'org:member' });
 * await client.organizationMemberships.update(organization.id, user.id, { role: 'org:admin' });
 * const { data } = await client.organizationMemberships.listForUser(user.id);
 * ```
 */
export interface OrganizationMembershipsApi {
  /** `POST /v1/organizations/{id}/memberships` with an `Idempotency-Key`. */
  create(
    organizationId: string,
    params: CreateOrganizationMembershipParams,
    options?: CreateOptions,
  ): Promise<OrganizationMembership>;
  /** `GET /v1/organizations/{id}/memberships?paginated=true&...`. */
  list(
    organizationId: string,
    params?: ListOrganizationMembershipsParams,
  ): Promise<PaginatedList<OrganizationMembership>>;
  /** `GET /v1/users/{id}/organization_memberships?paginated=true&...`: the user's organizations. */
  listForUser(
    userId: string,
    params?: ListUserOrganizationMembershipsParams,
  ): Promise<PaginatedList<OrganizationMembership>>;
  /** `GET /v1/organization_memberships?paginated=true&...`: every membership of the instance. */
  listAll(params?: ListUserOrganizationMembershipsParams): Promise<PaginatedList<OrganizationMembership>>;
  /** `PATCH /v1/organizations/{id}/memberships/{user_id}`: a new role. */
  update(
    organizationId: string,
    userId: string,
    params: UpdateOrganizationMembershipParams,
  ): Promise<OrganizationMembership>;
  /** `PATCH /v1/organizations/{id}/memberships/{user_id}/metadata`: deep merge, `null` removes. */
  updateMetadata(
    organizationId: string,
    userId: string,
    params: OrganizationMembershipMetadataParams,
  ): Promise<OrganizationMembership>;
  /** `DELETE /v1/organizations/{id}/memberships/{user_id}`: answers the membership that was removed. */
  delete(organizationId: string, userId: string): Promise<OrganizationMembership>;
}

const resource = 'OrganizationMembership';
// An arrow, as in users.ts: a module-level property read would keep this module in every bundle.
const read = (json: unknown) => OrganizationMembership.fromJSON(json);
const readList = paginatedReader(organizationMembershipObject, toOrganizationMembership, resource);

export function createOrganizationMembershipsApi(request: Requester): OrganizationMembershipsApi {
  const collection = (organizationId: unknown) =>
    `/organizations/${pathId('organizationId', organizationId)}/memberships`;
  const member = (organizationId: unknown, userId: unknown, suffix = '') =>
    `${collection(organizationId)}/${pathId('userId', userId)}${suffix}`;
  const listAt = async (path: string, params: object = {}) =>
    request({
      method: 'GET',
      path,
      query: { ...toWireBody(params), paginated: true },
      resource,
      read: readList,
    });
  return {
    create: async (organizationId, params, options = {}) =>
      request({
        method: 'POST',
        path: collection(organizationId),
        body: toWireBody(params),
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource,
        read,
      }),
    list: async (organizationId, params) => listAt(collection(organizationId), params),
    listForUser: async (userId, params) =>
      listAt(`/users/${pathId('userId', userId)}/organization_memberships`, params),
    listAll: async (params) => listAt('/organization_memberships', params),
    update: async (organizationId, userId, params) =>
      request({
        method: 'PATCH',
        path: member(organizationId, userId),
        body: toWireBody(params),
        resource,
        read,
      }),
    updateMetadata: async (organizationId, userId, params) =>
      request({
        method: 'PATCH',
        path: member(organizationId, userId, '/metadata'),
        body: toWireBody(params),
        resource,
        read,
      }),
    delete: async (organizationId, userId) =>
      request({ method: 'DELETE', path: member(organizationId, userId), resource, read }),
  };
}
