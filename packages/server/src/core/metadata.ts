import { METADATA_MAX_BYTES } from '@tessera/wire';
import { ApiError } from './api-error';

type Json = Record<string, unknown>;

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

/** The metadata as a column, refused (naming the field) past the size a create allows. */
export function checkedMetadata(field: string, value: Json): string {
  const column = JSON.stringify(value);
  const bytes = Buffer.byteLength(column);
  if (bytes > METADATA_MAX_BYTES) {
    throw ApiError.invalidParam(
      field,
      `${field} would be ${bytes} bytes as JSON; at most ${METADATA_MAX_BYTES} are kept.`,
    );
  }
  return column;
}
