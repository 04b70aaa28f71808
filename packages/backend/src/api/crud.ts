import type { Requester } from '../client/request';
import { toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import { type DeletedObject, type DeletedObjectKind, deletedReader } from '../resources/deleted-object';
import type { PaginatedList } from '../resources/misc';
import { type Collection, collectionMethods } from './collection';
import type { CreateOptions } from './common';

/**
 * The five methods of a resource kept by its id: create, read one, list, change and delete.
 *
 * @example
 * ```ts
 * async function rename<T>(api: CrudApi<T, never, { name: string }>, id: string) {
 *   return api.update(id, { name: 'Renamed' });
 * }
 * ```
 */
export interface CrudApi<T, CreateParams, UpdateParams, ListParams = object, D = DeletedObject> {
  /** `POST` to the collection with an `Idempotency-Key`. */
  create(params: CreateParams, options?: CreateOptions): Promise<T>;
  /** `GET` the collection's `/{id}`. */
  get(id: string): Promise<T>;
  /** `GET` the collection with `paginated=true` and the filters. */
  list(params?: ListParams): Promise<PaginatedList<T>>;
  /** `PATCH` the collection's `/{id}`: only the fields given change. */
  update(id: string, params: UpdateParams): Promise<T>;
  /** `DELETE` the collection's `/{id}`. */
  delete(id: string): Promise<D>;
}

/** How one resource is reached and read. */
export interface CrudResource<Wire, T, O extends DeletedObjectKind> extends Collection<Wire, T> {
  /** The `object` of the reply to a delete. */
  readonly deleted: O;
}

/** The five methods of one resource. */
export function createCrudApi<
  Wire,
  T,
  O extends DeletedObjectKind,
  CreateParams extends object,
  UpdateParams extends object,
  ListParams extends object,
>(
  request: Requester,
  kind: CrudResource<Wire, T, O>,
): CrudApi<T, CreateParams, UpdateParams, ListParams, DeletedObject<O>> {
  const { create, get, list, byId } = collectionMethods<Wire, T, CreateParams, ListParams>(request, kind);
  const { resource, read } = kind;
  const readDeleted = deletedReader(kind.deleted);
  return {
    create,
    get,
    list,
    update: async (id, params) =>
      request({ method: 'PATCH', path: byId(id), body: toWireBody(params), resource, read }),
    delete: async (id) =>
      request({ method: 'DELETE', path: byId(id), resource: 'DeletedObject', read: readDeleted }),
  };
}

/**
 * `PATCH` (deep merge; `null` removes a key) or `PUT` (replace) of the resource's `/{id}/metadata`,
 * answering the resource: users and organizations keep metadata alike.
 */
export function metadataMethod<T>(
  request: Requester,
  kind: Pick<CrudResource<unknown, T, DeletedObjectKind>, 'path' | 'resource' | 'idOption' | 'read'>,
  method: 'PATCH' | 'PUT',
): (id: string, params: object) => Promise<T> {
  const { path, resource, read } = kind;
  return async (id, params) =>
    request({
      method,
      path: `${path}/${pathId(kind.idOption, id)}/metadata`,
      body: toWireBody(params),
      resource,
      read,
    });
}
