import { parse, type Schema } from '@tessera/wire';
import { ResponseValidationError } from '../errors';

/**
 * Validates a response against its wire definition, dropping unknown keys (newer servers may add
 * fields); throws `ResponseValidationError` naming the first bad field, never returns a partial value.
 */
export function readWire<T>(schema: Schema<T>, json: unknown, resource: string): T {
  const result = parse(schema, json, { unknownKeys: 'strip' });
  if (!result.ok) throw new ResponseValidationError(resource, result.issues);
  return result.value;
}

/**
 * JSON metadata as the SDK hands it out: the object as the server sent it, typed read-only.
 *
 * @example
 * ```ts
 * const metadata: JsonObject = user.publicMetadata;
 * const role = metadata.role; // unknown: narrow it before use
 * ```
 */
export type JsonObject = Readonly<Record<string, unknown>>;
