import {
  type CreateJwtTemplateParams,
  JWT_TEMPLATE_CLOCK_SKEW,
  JWT_TEMPLATE_LIFETIME,
  type JwtTemplateJSON,
  RESERVED_TEMPLATE_CLAIMS,
  type UpdateJwtTemplateParams,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { transactionOfUniqueWrites } from '../core/unique-transaction';
import type { Executor } from '../store/database';
import * as store from '../store/jwt-templates-store';
import type { Paging } from '../store/paging';
import type { JwtTemplateTable } from '../store/schema';
import { checkClaimsTemplate } from './claim-template';

export function serializeJwtTemplate(template: JwtTemplateTable): JwtTemplateJSON {
  return {
    object: 'jwt_template',
    id: template.id,
    name: template.name,
    claims: JSON.parse(template.claims) as Record<string, unknown>,
    lifetime: template.lifetime,
    allowed_clock_skew: template.allowed_clock_skew,
    custom_signing_key: false,
    signing_algorithm: 'RS256',
    created_at: template.created_at,
    updated_at: template.updated_at,
  };
}

/** tessera signs with the instance's keys, which the SDK and `@clerk/backend` find in the JWKS. */
function refuseCustomKey(params: { custom_signing_key?: boolean; signing_key?: string | null }): void {
  if (params.custom_signing_key) {
    throw ApiError.invalidParam(
      'custom_signing_key',
      'tessera signs JWT templates with the instance’s RS256 keys only.',
    );
  }
  if (params.signing_key != null) {
    throw ApiError.invalidParam(
      'signing_key',
      'tessera signs JWT templates with the instance’s RS256 keys only.',
    );
  }
}

function nameTaken(): ApiError {
  return new ApiError('form_identifier_exists', 'A JWT template has that name. Please try another.', {
    param_name: 'name',
  });
}

function inTransaction<T>(ctx: ServerContext, work: (trx: Executor) => Promise<T>): Promise<T> {
  return transactionOfUniqueWrites(ctx, work, nameTaken);
}

export async function createJwtTemplate(ctx: ServerContext, params: CreateJwtTemplateParams) {
  refuseCustomKey(params);
  checkClaimsTemplate(params.claims, RESERVED_TEMPLATE_CLAIMS);
  const now = ctx.clock.now();
  const template: JwtTemplateTable = {
    id: newId('jwtTemplate', now),
    name: params.name,
    claims: JSON.stringify(params.claims),
    lifetime: params.lifetime ?? JWT_TEMPLATE_LIFETIME.default,
    allowed_clock_skew: params.allowed_clock_skew ?? JWT_TEMPLATE_CLOCK_SKEW.default,
    created_at: now,
    updated_at: now,
  };
  return inTransaction(ctx, async (trx) => {
    if (await store.findJwtTemplate(trx, { name: params.name })) throw nameTaken();
    await store.insertJwtTemplate(trx, template);
    return template;
  });
}

export async function getJwtTemplate(ctx: ServerContext, id: string) {
  const template = await store.findJwtTemplate(ctx.db, { id });
  if (!template) throw ApiError.notFound('JWT template');
  return template;
}

/** The template a session token is asked for by name: 404 `jwt_template_not_found` naming it. */
export async function jwtTemplateNamed(ctx: ServerContext, name: string) {
  const template = await store.findJwtTemplate(ctx.db, { name });
  if (!template) {
    throw new ApiError('jwt_template_not_found', `There is no JWT template named ${name}.`, {
      param_name: 'template_name',
    });
  }
  return template;
}

export async function updateJwtTemplate(ctx: ServerContext, id: string, params: UpdateJwtTemplateParams) {
  refuseCustomKey(params);
  if (params.claims) checkClaimsTemplate(params.claims, RESERVED_TEMPLATE_CLAIMS);
  return inTransaction(ctx, async (trx) => {
    const template = await store.findJwtTemplate(trx, { id });
    if (!template) throw ApiError.notFound('JWT template');
    if (
      params.name !== undefined &&
      params.name !== template.name &&
      (await store.findJwtTemplate(trx, { name: params.name }))
    ) {
      throw nameTaken();
    }
    const changes: Partial<JwtTemplateTable> = { updated_at: ctx.clock.now() };
    if (params.name !== undefined) changes.name = params.name;
    if (params.claims !== undefined) changes.claims = JSON.stringify(params.claims);
    if (params.lifetime != null) changes.lifetime = params.lifetime;
    if (params.allowed_clock_skew != null) changes.allowed_clock_skew = params.allowed_clock_skew;
    await store.updateJwtTemplate(trx, id, changes);
    return { ...template, ...changes };
  });
}

export async function deleteJwtTemplate(ctx: ServerContext, id: string): Promise<void> {
  if (!(await store.deleteJwtTemplate(ctx.db, id))) throw ApiError.notFound('JWT template');
}

export function listJwtTemplates(ctx: ServerContext, paging: Paging) {
  return store.listJwtTemplates(ctx.db, paging);
}

export function countJwtTemplates(ctx: ServerContext) {
  return store.countJwtTemplates(ctx.db);
}
