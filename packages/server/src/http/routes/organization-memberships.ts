import {
  createOrganizationMembershipParams,
  listOrganizationMembershipsQuery,
  listUserOrganizationMembershipsQuery,
  organizationMembershipMetadataParams,
  organizationMembershipObject,
  updateOrganizationMembershipParams,
} from '@tessera/wire';
import * as memberships from '../../organizations/memberships-service';
import { getOrganization } from '../../organizations/organizations-service';
import { serializeMembership } from '../../organizations/serialize-organization';
import { getUser } from '../../users/users-service';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const membershipResponse = { kind: 'object', schema: organizationMembershipObject } as const;
const membershipList = { kind: 'list', schema: organizationMembershipObject } as const;

type MembershipsQuery = Parameters<typeof memberships.membershipsPage>;

async function membershipsPage(...[ctx, filters, paging, paginated]: MembershipsQuery) {
  const { rows, total } = await memberships.membershipsPage(ctx, filters, paging, paginated);
  return listResponse(rows.map(serializeMembership), total, paginated);
}

export const organizationMembershipRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{id}/memberships',
    operationId: 'createOrganizationMembership',
    summary: 'Add a user to an organization with a role',
    auth: 'secret',
    idempotent: true,
    body: createOrganizationMembershipParams,
    response: membershipResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializeMembership(await memberships.addMember(ctx, params.id, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{id}/memberships',
    operationId: 'listOrganizationMemberships',
    summary: 'List an organization’s members, oldest first',
    auth: 'secret',
    query: listOrganizationMembershipsQuery,
    response: membershipList,
    handler: async ({ ctx, params, query }) => {
      const { limit, offset, order_by, paginated: asked, ...filters } = query;
      const paginated = asked ?? true;
      const organization = await getOrganization(ctx, params.id);
      return membershipsPage(
        ctx,
        { ...filters, organization_id: organization.id },
        { limit, offset, order_by: order_by ?? '+created_at' },
        paginated,
      );
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{id}/memberships/{user_id}',
    operationId: 'updateOrganizationMembership',
    summary: 'Give a member another role; their next session JWT carries it',
    auth: 'secret',
    body: updateOrganizationMembershipParams,
    response: membershipResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(
        200,
        serializeMembership(await memberships.setMemberRole(ctx, params.id, params.user_id, body.role)),
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{id}/memberships/{user_id}/metadata',
    operationId: 'updateOrganizationMembershipMetadata',
    summary: 'Deep-merge metadata into a membership’s',
    auth: 'secret',
    body: organizationMembershipMetadataParams,
    response: membershipResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(
        200,
        serializeMembership(await memberships.changeMemberMetadata(ctx, params.id, params.user_id, body)),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organizations/{id}/memberships/{user_id}',
    operationId: 'deleteOrganizationMembership',
    summary: 'Remove a member; their sessions in the organization lose it from their next JWT',
    auth: 'secret',
    response: membershipResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(200, serializeMembership(await memberships.removeMember(ctx, params.id, params.user_id))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{id}/organization_memberships',
    operationId: 'listUserOrganizationMemberships',
    summary: 'List the organizations a user is a member of, oldest first',
    auth: 'secret',
    query: listUserOrganizationMembershipsQuery,
    response: membershipList,
    handler: async ({ ctx, params, query }) => {
      const { limit, offset, order_by, paginated: asked } = query;
      const paginated = asked ?? true;
      await getUser(ctx, params.id);
      return membershipsPage(
        ctx,
        { user_id: [params.id] },
        { limit, offset, order_by: order_by ?? '+created_at' },
        paginated,
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_memberships',
    operationId: 'listInstanceOrganizationMemberships',
    summary: 'List every organization membership of the instance, oldest first',
    auth: 'secret',
    query: listUserOrganizationMembershipsQuery,
    response: membershipList,
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated: asked } = query;
      const paginated = asked ?? true;
      return membershipsPage(ctx, {}, { limit, offset, order_by: order_by ?? '+created_at' }, paginated);
    },
  }),
];
