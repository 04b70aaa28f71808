import { METADATA_MAX_BYTES, type UserMetadataParams } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { fromJsonColumn, toJsonColumn } from '../store/json-column';
import type { UserTable } from '../store/schema';
import * as store from '../store/users-store';
import { changeUser } from './users-service';

type Json = Record<string, unknown>;

const METADATA_FIELDS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Clerk's deep merge: a nested object merges into the stored one, a key set to `null` is removed at
 * any level, any other value (an array included) replaces what was there.
 */
export function mergeMetadata(stored: Json, patch: Json): Json {
  const merged: Json = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete merged[key];
      continue;
    }
    const current = Object.hasOwn(merged, key) ? merged[key] : undefined;
    const next = isPlainObject(value) ? mergeMetadata(isPlainObject(current) ? current : {}, value) : value;
    // Defined, not assigned: a key named `__proto__` is data here, not the object's prototype.
    Object.defineProperty(merged, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/**
 * `PATCH /v1/users/{id}/metadata` (`merge`) and `PUT` (`replace`): each metadata given is merged into,
 * or replaces, the stored one; an absent one is left as it is. The result is held to the same size
 * as on create, naming the field that would outgrow it; nothing is written then.
 */
export async function changeUserMetadata(
  ctx: ServerContext,
  id: string,
  params: UserMetadataParams,
  mode: 'merge' | 'replace',
): Promise<store.UserRecord> {
  return changeUser(ctx, id, async (trx, user, now) => {
    const changes: Partial<UserTable> = { updated_at: now };
    for (const field of METADATA_FIELDS) {
      const given = params[field];
      if (given === undefined) continue;
      const next = mode === 'merge' ? mergeMetadata(fromJsonColumn(user[field]), given) : given;
      const column = toJsonColumn(next);
      if (Buffer.byteLength(column) > METADATA_MAX_BYTES) {
        throw ApiError.invalidParam(
          field,
          `${field} would be ${Buffer.byteLength(column)} bytes as JSON; at most ${METADATA_MAX_BYTES} are kept.`,
        );
      }
      changes[field] = column;
    }
    await store.updateUser(trx, id, changes);
    return { ...user, ...changes };
  });
}
