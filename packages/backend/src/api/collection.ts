import type { Schema } from '@tessera/wire';
import type { Requester } from '../client/request';
import { toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import type { PaginatedList } from '../resources/misc';
import { type CreateOptions, paginatedReader } from './common';

/** How a collection of resources kept by id is reached and read. */
export interface Collection<Wire, T> {
  /** The collection below `/{apiVersion}`, e.g. `/organization_roles`. */
  readonly path: string;
  /** Named in a `ResponseValidationError`, e.g. `OrganizationRole`. */
  readonly resource: string;
  /** Named in the `ConfigurationError` of a bad id, e.g. `roleId`. */
  readonly idOption: string;
  readonly schema: Schema<Wire>;
  readonly map: (wire: Wire) => T;
  readonly read: (json: unknown) => T;
}

/** The methods every collection has: create (with an `Idempotency-Key`), read one, list. */
export interface CollectionMethods<T, CreateParams, ListParams> {
  create(params: CreateParams, options?: CreateOptions): Promise<T>;
  get(id: string): Promise<T>;
  list(params?: ListParams): Promise<PaginatedList<T>>;
}

/**
 * `create`, `get` and `list` of a collection, and the path of one of its members (`byId`), for the
 * clients built on it (resources kept by id, kinds of ticket) to add their own methods to.
 */
export function collectionMethods<Wire, T, CreateParams extends object, ListParams extends object>(
  request: Requester,
  kind: Collection<Wire, T>,
  toBody: (params: CreateParams) => Record<string, unknown> = toWireBody,
): CollectionMethods<T, CreateParams, ListParams> & { byId(id: unknown, suffix?: string): string } {
  const { path, resource, read } = kind;
  const readList = paginatedReader(kind.schema, kind.map, resource);
  const byId = (id: unknown, suffix = '') => `${path}/${pathId(kind.idOption, id)}${suffix}`;
  return {
    byId,
    create: async (params, options = {}) =>
      request({
        method: 'POST',
        path,
        body: toBody(params),
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource,
        read,
      }),
    get: async (id) => request({ method: 'GET', path: byId(id), resource, read }),
    list: async (params) =>
      request({
        method: 'GET',
        path,
        query: { ...toWireBody(params ?? {}), paginated: true },
        resource,
        read: readList,
      }),
  };
}
