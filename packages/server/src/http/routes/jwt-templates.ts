import {
  createJwtTemplateParams,
  deletedJwtTemplateObject,
  jwtTemplateObject,
  listJwtTemplatesQuery,
  sessionTokenTemplateObject,
  updateJwtTemplateParams,
  updateSessionTokenTemplateParams,
} from '@tessera/wire';
import * as templates from '../../claims/jwt-templates-service';
import { getSessionTokenTemplate, setSessionTokenTemplate } from '../../claims/session-token-template';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const templateResponse = { kind: 'object', schema: jwtTemplateObject } as const;

export const jwtTemplateRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/jwt_templates',
    operationId: 'createJwtTemplate',
    summary: 'Create a JWT template: claims with shortcodes, a lifetime and a clock skew',
    auth: 'secret',
    idempotent: true,
    body: createJwtTemplateParams,
    response: templateResponse,
    handler: async ({ ctx, body }) =>
      jsonResponse(200, templates.serializeJwtTemplate(await templates.createJwtTemplate(ctx, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/jwt_templates',
    operationId: 'listJwtTemplates',
    summary: 'List JWT templates, newest first',
    auth: 'secret',
    query: listJwtTemplatesQuery,
    response: { kind: 'list', schema: jwtTemplateObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, paginated } = query;
      const [rows, total] = await Promise.all([
        templates.listJwtTemplates(ctx, { limit, offset }),
        paginated ? templates.countJwtTemplates(ctx) : Promise.resolve(0),
      ]);
      return listResponse(rows.map(templates.serializeJwtTemplate), total, paginated);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/jwt_templates/{id}',
    operationId: 'getJwtTemplate',
    summary: 'Retrieve a JWT template',
    auth: 'secret',
    response: templateResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(200, templates.serializeJwtTemplate(await templates.getJwtTemplate(ctx, params.id))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/jwt_templates/{id}',
    operationId: 'updateJwtTemplate',
    summary: 'Update a JWT template',
    auth: 'secret',
    body: updateJwtTemplateParams,
    response: templateResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(
        200,
        templates.serializeJwtTemplate(await templates.updateJwtTemplate(ctx, params.id, body)),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/jwt_templates/{id}',
    operationId: 'deleteJwtTemplate',
    summary: 'Delete a JWT template',
    auth: 'secret',
    response: { kind: 'object', schema: deletedJwtTemplateObject },
    handler: async ({ ctx, params }) => {
      await templates.deleteJwtTemplate(ctx, params.id);
      return jsonResponse(200, { object: 'jwt_template', id: params.id, deleted: true });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/session_token_template',
    operationId: 'getSessionTokenTemplate',
    summary: 'The custom claims every session JWT carries',
    auth: 'secret',
    response: { kind: 'object', schema: sessionTokenTemplateObject },
    handler: async ({ ctx }) => jsonResponse(200, await getSessionTokenTemplate(ctx)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/session_token_template',
    operationId: 'setSessionTokenTemplate',
    summary: 'Set the custom claims of every session JWT ({} clears them); reserved claims are refused',
    auth: 'secret',
    body: updateSessionTokenTemplateParams,
    response: { kind: 'object', schema: sessionTokenTemplateObject },
    handler: async ({ ctx, body }) => jsonResponse(200, await setSessionTokenTemplate(ctx, body.claims)),
  }),
];
