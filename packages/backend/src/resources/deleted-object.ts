import {
  deletedJwtTemplateObject,
  deletedObjectOf,
  deletedPermissionObject,
  deletedRoleObject,
  deletedUserObject,
  type Schema,
} from '@tessera/wire';
import { readWire } from './read-wire';

/** The reply of each `DELETE` that answers a deleted object, by its `object`. */
const DELETED = {
  user: deletedUserObject,
  // The wire has no definition of its own for a deleted organization; its helper makes the one shape.
  organization: deletedObjectOf('organization', 'organization'),
  role: deletedRoleObject,
  permission: deletedPermissionObject,
  jwt_template: deletedJwtTemplateObject,
} as const;

/**
 * What a delete can be of.
 *
 * @example
 * ```ts
 * const kind: DeletedObjectKind = 'organization';
 * ```
 */
export type DeletedObjectKind = keyof typeof DELETED;

/**
 * The reply to a delete: which object is gone.
 *
 * @example
 * ```ts
 * const gone = await client.users.delete('user_...');
 * gone.deleted; // true
 * gone.object; // 'user'
 * ```
 */
export interface DeletedObject<O extends DeletedObjectKind = DeletedObjectKind> {
  readonly object: O;
  readonly id: string;
  readonly deleted: boolean;
}

function read<O extends DeletedObjectKind>(object: O, json: unknown): DeletedObject<O> {
  // Each entry's `object` is its own key, which the table's type cannot say.
  const schema = DELETED[object] as unknown as Schema<{ object: O; id: string; deleted: boolean }>;
  const wire = readWire(schema, json, 'DeletedObject');
  return Object.freeze({ object: wire.object, id: wire.id, deleted: wire.deleted });
}

/** A reader for the reply to deleting one kind of object; any other `object` is a validation error. */
export function deletedReader<O extends DeletedObjectKind>(object: O): (json: unknown) => DeletedObject<O> {
  return (json) => read(object, json);
}

/**
 * Reads a deleted-object reply from the wire, of any kind (`user`, `organization`, `role`,
 * `permission`, `jwt_template`).
 *
 * @example
 * ```ts
 * const gone = DeletedObject.fromJSON({ object: 'user', id: 'user_...', deleted: true });
 * ```
 */
export const DeletedObject = {
  fromJSON(json: unknown): DeletedObject {
    const object = (json as { object?: unknown } | null)?.object;
    const kind = typeof object === 'string' && Object.hasOwn(DELETED, object) ? object : 'user';
    return read(kind as DeletedObjectKind, json);
  },
};
