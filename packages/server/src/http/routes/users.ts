import {
  countUsersQuery,
  createUserParams,
  deletedUserObject,
  listUsersQuery,
  passwordVerificationObject,
  totalCountObject,
  updateUserParams,
  userMetadataParams,
  userObject,
  verifyPasswordParams,
} from '@tessera/wire';
import { verifyUserPassword } from '../../users/passwords';
import { serializeUser } from '../../users/serialize-user';
import { changeUserMetadata } from '../../users/user-metadata';
import * as users from '../../users/users-service';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const userResponse = { kind: 'object', schema: userObject } as const;

export const userRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Create a user',
    auth: 'secret',
    idempotent: true,
    body: createUserParams,
    response: userResponse,
    handler: async ({ ctx, body, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.createUser(ctx, body, { caller: secretKeyCaller(request) })),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users',
    operationId: 'listUsers',
    summary: 'List users, newest first; filters combine with AND',
    auth: 'secret',
    query: listUsersQuery,
    response: { kind: 'list', schema: userObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated, ...filters } = query;
      const [rows, total] = await Promise.all([
        users.listUsers(ctx, filters, { limit, offset, order_by }),
        paginated ? users.countUsers(ctx, filters) : Promise.resolve(0),
      ]);
      return listResponse(rows.map(serializeUser), total, paginated);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/count',
    operationId: 'countUsers',
    summary: 'Count users matching the filters',
    auth: 'secret',
    query: countUsersQuery,
    response: { kind: 'object', schema: totalCountObject },
    handler: async ({ ctx, query }) =>
      jsonResponse(200, { object: 'total_count', total_count: await users.countUsers(ctx, query) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{id}',
    operationId: 'getUser',
    summary: 'Retrieve a user',
    auth: 'secret',
    response: userResponse,
    handler: async ({ ctx, params }) => jsonResponse(200, serializeUser(await users.getUser(ctx, params.id))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/users/{id}',
    operationId: 'updateUser',
    summary: 'Update a user; absent fields are left as they are',
    auth: 'secret',
    body: updateUserParams,
    response: userResponse,
    handler: async ({ ctx, params, body, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.updateUser(ctx, params.id, body, secretKeyCaller(request))),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/users/{id}',
    operationId: 'deleteUser',
    summary: 'Delete a user, revoking their sessions and pending tokens',
    auth: 'secret',
    response: { kind: 'object', schema: deletedUserObject },
    handler: async ({ ctx, params, request }) => {
      await users.deleteUser(ctx, params.id, secretKeyCaller(request));
      return jsonResponse(200, { object: 'user', id: params.id, deleted: true });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/ban',
    operationId: 'banUser',
    summary: 'Ban a user: their sessions are revoked and their tickets refused',
    auth: 'secret',
    response: userResponse,
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.setUserBanned(ctx, params.id, true, secretKeyCaller(request))),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/unban',
    operationId: 'unbanUser',
    summary: 'Lift a ban',
    auth: 'secret',
    response: userResponse,
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.setUserBanned(ctx, params.id, false, secretKeyCaller(request))),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/lock',
    operationId: 'lockUser',
    summary: 'Lock a user: no ticket signs them in until unlocked; their sessions go on',
    auth: 'secret',
    response: userResponse,
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.setUserLocked(ctx, params.id, true, secretKeyCaller(request))),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/unlock',
    operationId: 'unlockUser',
    summary: 'Unlock a user',
    auth: 'secret',
    response: userResponse,
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeUser(await users.setUserLocked(ctx, params.id, false, secretKeyCaller(request))),
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/users/{id}/metadata',
    operationId: 'updateUserMetadata',
    summary: 'Deep-merge metadata into the user’s: nested objects merge, a key set to null is removed',
    auth: 'secret',
    body: userMetadataParams,
    response: userResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializeUser(await changeUserMetadata(ctx, params.id, body, 'merge'))),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/users/{id}/metadata',
    operationId: 'replaceUserMetadata',
    summary: 'Replace each metadata given ({} clears it); those not given are left as they are',
    auth: 'secret',
    body: userMetadataParams,
    response: userResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializeUser(await changeUserMetadata(ctx, params.id, body, 'replace'))),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/verify_password',
    operationId: 'verifyPassword',
    summary: 'Check a password against the user’s: { verified: true }, or 422 form_password_incorrect',
    auth: 'secret',
    body: verifyPasswordParams,
    response: { kind: 'object', schema: passwordVerificationObject },
    handler: async ({ ctx, params, body }) => {
      await verifyUserPassword(await users.getUser(ctx, params.id), body.password);
      return jsonResponse(200, { verified: true });
    },
  }),
];
