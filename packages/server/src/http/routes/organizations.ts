import {
  createOrganizationParams,
  deletedObjectOf,
  getOrganizationQuery,
  listOrganizationsQuery,
  organizationMetadataParams,
  organizationObject,
  updateOrganizationParams,
} from '@tessera/wire';
import * as organizations from '../../organizations/organizations-service';
import { serializeOrganization } from '../../organizations/serialize-organization';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const organizationResponse = { kind: 'object', schema: organizationObject } as const;

/**
 * Organization, membership, role and permission lists answer `{ data, total_count }` unless asked for
 * `paginated=false`, as Clerk's do: `@clerk/backend` reads `totalCount` from them without asking.
 */
export const organizationRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations',
    operationId: 'createOrganization',
    summary: 'Create an organization; created_by becomes its first admin',
    auth: 'secret',
    idempotent: true,
    body: createOrganizationParams,
    response: organizationResponse,
    handler: async ({ ctx, body }) =>
      jsonResponse(200, serializeOrganization(await organizations.createOrganization(ctx, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations',
    operationId: 'listOrganizations',
    summary: 'List organizations, newest first; filters combine with AND',
    auth: 'secret',
    query: listOrganizationsQuery,
    response: { kind: 'list', schema: organizationObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated: asked, include_members_count, ...filters } = query;
      const paginated = asked ?? true;
      const [rows, total] = await Promise.all([
        organizations.listOrganizations(
          ctx,
          filters,
          { limit, offset, order_by },
          include_members_count ?? false,
        ),
        paginated ? organizations.countOrganizations(ctx, filters) : Promise.resolve(0),
      ]);
      return listResponse(rows.map(serializeOrganization), total, paginated);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{id}',
    operationId: 'getOrganization',
    summary: 'Retrieve an organization by id or by slug',
    auth: 'secret',
    query: getOrganizationQuery,
    response: organizationResponse,
    handler: async ({ ctx, params, query }) =>
      jsonResponse(
        200,
        serializeOrganization(
          await organizations.getOrganization(ctx, params.id, {
            includeMembersCount: query.include_members_count ?? false,
          }),
        ),
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{id}',
    operationId: 'updateOrganization',
    summary: 'Update an organization; absent fields are left as they are',
    auth: 'secret',
    body: updateOrganizationParams,
    response: organizationResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializeOrganization(await organizations.updateOrganization(ctx, params.id, body))),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organizations/{id}',
    operationId: 'deleteOrganization',
    summary: 'Delete an organization and its memberships',
    auth: 'secret',
    response: { kind: 'object', schema: deletedObjectOf('organization', 'organization') },
    handler: async ({ ctx, params }) => {
      await organizations.deleteOrganization(ctx, params.id);
      return jsonResponse(200, { object: 'organization', id: params.id, deleted: true });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{id}/metadata',
    operationId: 'updateOrganizationMetadata',
    summary:
      'Deep-merge metadata into the organization’s: nested objects merge, a key set to null is removed',
    auth: 'secret',
    body: organizationMetadataParams,
    response: organizationResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(
        200,
        serializeOrganization(await organizations.changeOrganizationMetadata(ctx, params.id, body, 'merge')),
      ),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/organizations/{id}/metadata',
    operationId: 'replaceOrganizationMetadata',
    summary: 'Replace each metadata given ({} clears it); those not given are left as they are',
    auth: 'secret',
    body: organizationMetadataParams,
    response: organizationResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(
        200,
        serializeOrganization(
          await organizations.changeOrganizationMetadata(ctx, params.id, body, 'replace'),
        ),
      ),
  }),
];
