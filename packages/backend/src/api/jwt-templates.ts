import {
  type Infer,
  type JwtTemplateJSON,
  jwtTemplateObject,
  type listJwtTemplatesQuery,
  type CreateJwtTemplateParams as WireCreateParams,
  type UpdateJwtTemplateParams as WireUpdateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import type { DeletedObject } from '../resources/deleted-object';
import { JwtTemplate, toJwtTemplate } from '../resources/jwt-template';
import { type CrudApi, createCrudApi } from './crud';

/**
 * A new JWT template: a name (letters, digits, `_`, `-`), its claims (shortcodes such as
 * `{{user.id}}` allowed; `iss`, `sub`, `iat`, `nbf`, `exp`, `azp`, `jti` are tessera's), and
 * optionally `lifetime` (seconds, default 60) and `allowedClockSkew` (seconds, default 5). Claims are
 * sent exactly as given.
 *
 * @example
 * ```ts
 * const params: CreateJwtTemplateParams = {
 *   name: 'hasura',
 *   claims: { 'https://hasura.io/jwt/claims': { 'x-hasura-user-id': '{{user.id}}' } },
 *   lifetime: 300,
 * };
 * ```
 */
export type CreateJwtTemplateParams = CamelParams<WireCreateParams>;

/**
 * Fields of a JWT template to change; `claims` replaces the whole set.
 *
 * @example
 * ```ts
 * const params: UpdateJwtTemplateParams = { lifetime: 120 };
 * ```
 */
export type UpdateJwtTemplateParams = CamelParams<WireUpdateParams>;

/**
 * Paging of `jwtTemplates.list`.
 *
 * @example
 * ```ts
 * const params: ListJwtTemplatesParams = { limit: 50 };
 * ```
 */
export type ListJwtTemplatesParams = Omit<CamelParams<Infer<typeof listJwtTemplatesQuery>>, 'paginated'>;

/**
 * `client.jwtTemplates`: templates for JWTs other services accept; mint one with
 * `client.sessions.getToken(sessionId, templateName)`.
 *
 * @example
 * ```ts
 * await client.jwtTemplates.create({ name: 'supabase', claims: { role: 'authenticated' } });
 * const { jwt } = await client.sessions.getToken(session.id, 'supabase');
 * ```
 */
export interface JwtTemplatesApi
  extends CrudApi<
    JwtTemplate,
    CreateJwtTemplateParams,
    UpdateJwtTemplateParams,
    ListJwtTemplatesParams,
    DeletedObject<'jwt_template'>
  > {}

export function createJwtTemplatesApi(request: Requester): JwtTemplatesApi {
  return createCrudApi<
    JwtTemplateJSON,
    JwtTemplate,
    'jwt_template',
    CreateJwtTemplateParams,
    UpdateJwtTemplateParams,
    ListJwtTemplatesParams
  >(request, {
    path: '/jwt_templates',
    resource: 'JwtTemplate',
    idOption: 'jwtTemplateId',
    schema: jwtTemplateObject,
    map: toJwtTemplate,
    read: JwtTemplate.fromJSON,
    deleted: 'jwt_template',
  });
}
