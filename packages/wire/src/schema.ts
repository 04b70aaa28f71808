/**
 * A deliberately small schema language: each wire definition written with it yields the TypeScript
 * type (`Infer`), validates request bodies and query strings on the server, validates responses in
 * the SDK, and emits the JSON Schema that goes into the OpenAPI document. One definition, four uses.
 *
 * Every builder is marked `@__NO_SIDE_EFFECTS__`, so a definition nothing uses costs nothing: an app
 * bundling the SDK (which reads replies only) drops the request definitions. A shape that spreads
 * others is written through `fields`, since a bundler keeps any spread it cannot see through.
 */

/** What went wrong at one place in a value; `path` is `field`, `field[2]` or `field.sub`. */
export interface SchemaIssue {
  readonly path: string;
  readonly problem: 'missing' | 'invalid' | 'unknown';
  /** A short sentence about the value, never containing the value itself (it may be a secret). */
  readonly message: string;
}

export type JsonSchema = { readonly [key: string]: unknown };

export interface ParseOptions {
  /** `reject` for request bodies (unknown keys are errors); `strip` for responses (forward compatible). */
  readonly unknownKeys: 'reject' | 'strip';
  /** Query strings: integers and booleans arrive as text. */
  readonly fromText?: boolean;
  /**
   * A request to the server: its strings may not contain U+0000, which no field has a use for and
   * Postgres cannot store as text. (Responses are read as they come.)
   */
  readonly request?: boolean;
}

const INVALID: unique symbol = Symbol('invalid');
type Outcome<T> = T | typeof INVALID;

interface Context extends ParseOptions {
  readonly issues: SchemaIssue[];
}

export interface Schema<T> {
  readonly _type?: T;
  readonly kind: 'string' | 'integer' | 'boolean' | 'literal' | 'json' | 'array' | 'object';
  readonly optional: boolean;
  readonly run: (value: unknown, path: string, ctx: Context) => Outcome<T>;
  readonly toJsonSchema: () => JsonSchema;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

export type Shape = Record<string, Schema<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { -readonly [K in RequiredKeys<S>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

export interface ObjectSchema<S extends Shape> extends Schema<InferShape<S>> {
  readonly shape: S;
}

function fail(ctx: Context, path: string, problem: SchemaIssue['problem'], message: string): typeof INVALID {
  ctx.issues.push({ path, problem, message });
  return INVALID;
}

/* @__NO_SIDE_EFFECTS__ */
function make<T>(kind: Schema<T>['kind'], run: Schema<T>['run'], toJsonSchema: () => JsonSchema): Schema<T> {
  return { kind, optional: false, run, toJsonSchema };
}

export interface StringOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** Said in the error when `pattern` does not match, e.g. "a user id (user_...)". */
  readonly format?: string;
  readonly description?: string;
  /** Refuse control characters (C0, DEL, C1) and bidi overrides in requests: for text shown to people. */
  readonly printable?: boolean;
}

/** C0, DEL, C1, and the bidi embeddings, overrides and isolates that reorder what a terminal shows. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/* @__NO_SIDE_EFFECTS__ */
export function string(options: StringOptions = {}): Schema<string> {
  const { minLength = 0, maxLength = 10_000, pattern, format, description, printable = false } = options;
  return make(
    'string',
    (value, path, ctx) => {
      if (typeof value !== 'string') return fail(ctx, path, 'invalid', 'must be a string');
      if (ctx.request && value.includes('\u0000'))
        return fail(ctx, path, 'invalid', 'must not contain the NUL character (U+0000)');
      if (ctx.request && printable && UNPRINTABLE.test(value))
        return fail(ctx, path, 'invalid', 'must not contain control or bidi-override characters');
      if (value.length < minLength)
        return fail(ctx, path, 'invalid', `must be at least ${minLength} characters`);
      if (value.length > maxLength)
        return fail(ctx, path, 'invalid', `must be at most ${maxLength} characters`);
      if (pattern && !pattern.test(value))
        return fail(ctx, path, 'invalid', `must be ${format ?? 'well formed'}`);
      return value;
    },
    () => ({
      type: 'string',
      ...(minLength > 0 && { minLength }),
      maxLength,
      ...(pattern && { pattern: pattern.source }),
      ...(description && { description }),
    }),
  );
}

export interface IntegerOptions {
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

/* @__NO_SIDE_EFFECTS__ */
export function integer(options: IntegerOptions = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, description } = options;
  return make(
    'integer',
    (raw, path, ctx) => {
      const value = ctx.fromText && typeof raw === 'string' && /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail(ctx, path, 'invalid', 'must be an integer');
      }
      if (value < min || value > max) return fail(ctx, path, 'invalid', `must be between ${min} and ${max}`);
      return value;
    },
    () => ({
      type: 'integer',
      ...(min !== Number.MIN_SAFE_INTEGER && { minimum: min }),
      ...(max !== Number.MAX_SAFE_INTEGER && { maximum: max }),
      ...(description && { description }),
    }),
  );
}

/* @__NO_SIDE_EFFECTS__ */
export function boolean(): Schema<boolean> {
  return make(
    'boolean',
    (raw, path, ctx) => {
      const value = ctx.fromText && (raw === 'true' || raw === 'false') ? raw === 'true' : raw;
      if (typeof value !== 'boolean') return fail(ctx, path, 'invalid', 'must be true or false');
      return value;
    },
    () => ({ type: 'boolean' }),
  );
}

/** One of a fixed set of strings; the type is their literal union. */
/* @__NO_SIDE_EFFECTS__ */
export function literal<const V extends readonly [string, ...string[]]>(...values: V): Schema<V[number]> {
  const allowed = new Set<string>(values);
  return make(
    'literal',
    (value, path, ctx) =>
      typeof value === 'string' && allowed.has(value)
        ? (value as V[number])
        : fail(ctx, path, 'invalid', `must be one of ${values.join(', ')}`),
    () =>
      values.length === 1 ? { type: 'string', const: values[0] } : { type: 'string', enum: [...values] },
  );
}

/** Any JSON object, kept exactly as given (metadata, actor). */
/** `maxBytes` bounds a request's object by the UTF-8 bytes of its JSON serialisation. */
/* @__NO_SIDE_EFFECTS__ */
export function jsonObject(options: { maxBytes?: number } = {}): Schema<Record<string, unknown>> {
  const { maxBytes } = options;
  return make(
    'json',
    (value, path, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return fail(ctx, path, 'invalid', 'must be a JSON object');
      if (ctx.request && maxBytes !== undefined && utf8Length(JSON.stringify(value)) > maxBytes)
        return fail(ctx, path, 'invalid', `must be at most ${maxBytes} bytes as JSON`);
      return value as Record<string, unknown>;
    },
    () => ({
      type: 'object',
      additionalProperties: true,
      ...(maxBytes !== undefined && { description: `At most ${maxBytes} bytes as UTF-8 JSON.` }),
    }),
  );
}

/**
 * A JSON object whose named keys are checked and whose other keys are kept as given: an actor is
 * `{ sub, ...anything }`. `maxBytes` bounds a request's object as for `jsonObject`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function openObject<S extends Shape>(
  shape: S,
  options: { maxBytes?: number } = {},
): Schema<InferShape<S> & Record<string, unknown>> {
  const any = jsonObject(options);
  const known = object(shape);
  return make(
    'json',
    (value, path, ctx) => {
      const checked = any.run(value, path, ctx);
      if (checked === INVALID) return INVALID;
      const named = known.run(value, path, { ...ctx, unknownKeys: 'strip' });
      // Issues of the named keys were recorded on the shared list by the run above.
      return named === INVALID
        ? INVALID
        : ({ ...checked, ...named } as InferShape<S> & Record<string, unknown>);
    },
    () => ({
      ...known.toJsonSchema(),
      additionalProperties: true,
      ...(options.maxBytes !== undefined && {
        description: `At most ${options.maxBytes} bytes as UTF-8 JSON.`,
      }),
    }),
  );
}

const utf8 = new TextEncoder();
function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Schema<T>, options: { maxItems?: number } = {}): Schema<T[]> {
  const { maxItems = 500 } = options;
  return make(
    'array',
    (value, path, ctx) => {
      if (!Array.isArray(value)) return fail(ctx, path, 'invalid', 'must be an array');
      if (value.length > maxItems) return fail(ctx, path, 'invalid', `must have at most ${maxItems} items`);
      const out: T[] = [];
      let ok = true;
      value.forEach((element, index) => {
        const parsed = item.run(element, `${path}[${index}]`, ctx);
        if (parsed === INVALID) ok = false;
        else out.push(parsed);
      });
      return ok ? out : INVALID;
    },
    () => ({ type: 'array', items: item.toJsonSchema(), maxItems }),
  );
}

/* @__NO_SIDE_EFFECTS__ */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return make(
    inner.kind,
    (value, path, ctx) => (value === null ? null : inner.run(value, path, ctx)),
    () => nullableJsonSchema(inner.toJsonSchema()),
  );
}

/**
 * JSON Schema 2020-12 (what OpenAPI 3.1 uses) has no `nullable`: null joins the `type` list, and
 * an `enum` or `const`, which would refuse null, goes into an `anyOf` beside `{ type: 'null' }`.
 */
function nullableJsonSchema(inner: JsonSchema): JsonSchema {
  const { type } = inner;
  if (typeof type === 'string' && !('enum' in inner) && !('const' in inner)) {
    return { ...inner, type: [type, 'null'] };
  }
  return { anyOf: [inner, { type: 'null' }] };
}

/** The key may be absent. (Present-but-null is a separate matter: see `nullable`.) */
/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(inner: Schema<T>): Schema<T> & { readonly optional: true } {
  return { ...inner, optional: true };
}

function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * The shape `build` returns, made in a call that bundlers may drop when nothing uses it. A shape that
 * spreads others (`{ ...pagingQuery, order_by }`) is written through it: a bundler keeps a spread it
 * cannot see through (it might run a getter), and with it every schema spread into it.
 */
/* @__NO_SIDE_EFFECTS__ */
export function fields<S extends Shape>(build: () => S): S {
  return build();
}

/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S): ObjectSchema<S> {
  const keys = Object.keys(shape);
  const run = (value: unknown, path: string, ctx: Context): Outcome<InferShape<S>> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(ctx, path === '' ? '' : path, 'invalid', 'must be a JSON object');
    }
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const key of keys) {
      const field = shape[key]!;
      const child = joinPath(path, key);
      const present = Object.hasOwn(input, key) && input[key] !== undefined;
      if (!present) {
        if (!field.optional) {
          fail(ctx, child, 'missing', 'is missing');
          ok = false;
        }
        continue;
      }
      const parsed = field.run(input[key], child, ctx);
      if (parsed === INVALID) ok = false;
      else out[key] = parsed;
    }
    if (ctx.unknownKeys === 'reject') {
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(shape, key)) continue;
        fail(ctx, joinPath(path, key), 'unknown', 'is not a known parameter');
        ok = false;
      }
    }
    return ok ? (out as InferShape<S>) : INVALID;
  };
  const toJsonSchema = (): JsonSchema => ({
    type: 'object',
    properties: Object.fromEntries(keys.map((key) => [key, shape[key]!.toJsonSchema()])),
    required: keys.filter((key) => !shape[key]!.optional),
    additionalProperties: false,
  });
  return { ...make('object', run, toJsonSchema), shape };
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly SchemaIssue[] };

/** Validates `value`; on failure returns every issue found, not only the first. */
export function parse<T>(schema: Schema<T>, value: unknown, options: ParseOptions): ParseResult<T> {
  const ctx: Context = { ...options, issues: [] };
  const result = schema.run(value, '', ctx);
  if (result === INVALID || ctx.issues.length > 0) return { ok: false, issues: ctx.issues };
  return { ok: true, value: result };
}
