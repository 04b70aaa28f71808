import { type ObjectSchema, parse, type Shape } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import { validationError } from './wire-errors';

const NO_PARAMETERS = Object.freeze({});

/**
 * Nesting allowed inside a body (metadata is stored as given). Much deeper JSON parses, but writing
 * it back out overflows the stack: it would be a 500 on create, and on every later read of the record.
 */
export const MAX_BODY_DEPTH = 64;

/** The first top-level key whose value nests deeper than MAX_BODY_DEPTH; iterative, so any depth is safe. */
function tooDeepKey(body: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(body)) {
    const pending: [unknown, number][] = [[value, 1]];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [node, depth] = next;
      if (typeof node !== 'object' || node === null) continue;
      if (depth > MAX_BODY_DEPTH) return key;
      for (const child of Object.values(node)) pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

/** Parses a JSON body; an empty body (real clients send one with `Content-Type: application/json`) means no parameters. */
export function parseBody(schema: ObjectSchema<Shape>, raw: Buffer): unknown {
  const text = raw.toString('utf8');
  let value: unknown = NO_PARAMETERS;
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError('request_body_invalid', 'The request body is not valid JSON.');
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const key = tooDeepKey(value as Record<string, unknown>);
    if (key !== undefined) {
      throw new ApiError(
        'form_param_value_invalid',
        `${key} must not nest deeper than ${MAX_BODY_DEPTH} levels.`,
        {
          param_name: key,
        },
      );
    }
  }
  const result = parse(schema, value, { unknownKeys: 'reject', request: true });
  if (!result.ok) throw validationError(result.issues, 'body');
  return result.value;
}

const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/**
 * Reads the schema's keys from a query string. Array parameters come as repeated keys (`a=1&a=2`) or
 * as `a[]=`; other keys take their first value. With `refuse` (the Backend API), a key the endpoint
 * does not know is refused (422 `form_param_unknown`, naming it): a filter quietly ignored would
 * answer another question. With `ignore` (a page a browser opens: a ticket link), extra keys are left
 * alone, since mail and chat tools add their own (`utm_source=...`) to links they pass on.
 */
export function parseQuery(
  schema: ObjectSchema<Shape>,
  query: URLSearchParams,
  unknownKeys: 'refuse' | 'ignore',
): unknown {
  for (const key of unknownKeys === 'refuse' ? query.keys() : []) {
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    if (!Object.hasOwn(schema.shape, name)) {
      // Named back only when it looks like a parameter name: the key is the client's text.
      if (!PARAMETER_NAME.test(name)) {
        throw new ApiError('form_param_unknown', 'The query has a parameter this endpoint does not take.');
      }
      throw new ApiError('form_param_unknown', `${name} is not a parameter of this endpoint.`, {
        param_name: name,
      });
    }
  }
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (field.kind === 'array') {
      const values = [...query.getAll(key), ...query.getAll(`${key}[]`)];
      if (values.length > 0) input[key] = values;
    } else {
      const value = query.get(key);
      if (value !== null) input[key] = value;
    }
  }
  const result = parse(schema, input, { unknownKeys: 'strip', fromText: true, request: true });
  if (!result.ok) throw validationError(result.issues, 'query');
  return result.value;
}
