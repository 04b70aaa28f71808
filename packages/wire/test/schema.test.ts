import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  acceptTicketParams,
  array,
  boolean,
  createTestSessionTokenParams,
  type Infer,
  integer,
  isId,
  jsonObject,
  literal,
  nullable,
  object,
  optional,
  parse,
  string,
  testSessionTokenObject,
} from '../src/index';

const shape = object({
  name: string({ maxLength: 5 }),
  age: optional(integer({ min: 0, max: 150 })),
  tags: optional(array(string())),
  kind: literal('a', 'b'),
  note: nullable(string()),
  meta: optional(jsonObject()),
  flag: optional(boolean()),
});

describe('object schemas', () => {
  it('infers required, optional and nullable fields', () => {
    type Value = Infer<typeof shape>;
    expectTypeOf<Value>().toEqualTypeOf<{
      name: string;
      kind: 'a' | 'b';
      note: string | null;
      age?: number;
      tags?: string[];
      meta?: Record<string, unknown>;
      flag?: boolean;
    }>();
  });

  it('accepts a valid value and keeps nested user data as given', () => {
    const meta = { nested: { deep: [1, 2] }, camelCase: true };
    const result = parse(shape, { name: 'ada', kind: 'a', note: null, meta }, { unknownKeys: 'reject' });
    expect(result).toEqual({ ok: true, value: { name: 'ada', kind: 'a', note: null, meta } });
  });

  it('reports every problem with its path, never the value', () => {
    const result = parse(
      shape,
      { name: 'too-long-name', age: 1.5, tags: ['x', 3], kind: 'c', extra: 'secret-value' },
      { unknownKeys: 'reject' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.path, issue.problem])).toEqual([
      ['name', 'invalid'],
      ['age', 'invalid'],
      ['tags[1]', 'invalid'],
      ['kind', 'invalid'],
      ['note', 'missing'],
      ['extra', 'unknown'],
    ]);
    expect(JSON.stringify(result.issues)).not.toContain('secret-value');
  });

  it('strips unknown keys when told to (responses stay forward compatible)', () => {
    const result = parse(
      shape,
      { name: 'a', kind: 'b', note: 'x', added_later: 1 },
      { unknownKeys: 'strip' },
    );
    expect(result).toEqual({ ok: true, value: { name: 'a', kind: 'b', note: 'x' } });
  });

  it('refuses U+0000 in the strings of a request, and reads responses as they come', () => {
    const value = { name: 'a\u0000b', kind: 'a', note: null, tags: ['x\u0000'] };
    const request = parse(shape, value, { unknownKeys: 'reject', request: true });
    expect(request.ok ? [] : request.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['name', 'must not contain the NUL character (U+0000)'],
      ['tags[0]', 'must not contain the NUL character (U+0000)'],
    ]);
    expect(parse(shape, value, { unknownKeys: 'strip' })).toEqual({ ok: true, value });
  });

  it('refuses a value that is not an object at the top', () => {
    for (const value of [null, [], 'text', 3]) {
      const result = parse(shape, value, { unknownKeys: 'reject' });
      expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(['']);
    }
  });

  it('reads integers and booleans from text only for query strings', () => {
    const query = object({ limit: integer({ min: 1 }), paginated: boolean() });
    expect(parse(query, { limit: '5', paginated: 'true' }, { unknownKeys: 'strip', fromText: true })).toEqual(
      {
        ok: true,
        value: { limit: 5, paginated: true },
      },
    );
    expect(parse(query, { limit: '5', paginated: 'true' }, { unknownKeys: 'strip' }).ok).toBe(false);
    expect(
      parse(query, { limit: '5e2', paginated: 'yes' }, { unknownKeys: 'strip', fromText: true }).ok,
    ).toBe(false);
  });
});

describe('wire definitions', () => {
  it('checks id prefixes and bodies: 27 characters, or a fixed id of 1 to 64 for users and organizations', () => {
    const parses = (schema: Parameters<typeof parse>[0], value: Record<string, unknown>) =>
      parse(schema, value, { unknownKeys: 'reject' }).ok;
    for (const good of [`user_${'a'.repeat(27)}`, 'user_alice', `user_${'a'.repeat(64)}`]) {
      expect(parses(createTestSessionTokenParams, { user_id: good }), good).toBe(true);
    }
    for (const bad of [
      `sess_${'a'.repeat(27)}`,
      'user_',
      `user_${'a'.repeat(65)}`,
      `user_${'-'.repeat(27)}`,
    ]) {
      expect(parses(createTestSessionTokenParams, { user_id: bad }), bad).toBe(false);
    }
    // Other kinds keep the 27 characters tessera makes.
    expect(parses(acceptTicketParams, { ticket: 'x' })).toBe(true);
    expect(isId('session', `sess_${'a'.repeat(26)}`)).toBe(false);
    expect(isId('session', `sess_${'a'.repeat(27)}`)).toBe(true);
  });

  it('bounds the token lifetimes', () => {
    const at = (seconds: number) =>
      parse(
        createTestSessionTokenParams,
        { session_max_duration_in_seconds: seconds },
        { unknownKeys: 'reject' },
      ).ok;
    expect([at(59), at(60), at(604_800), at(604_801)]).toEqual([false, true, true, false]);
  });

  it('emits JSON Schema for OpenAPI from the same definition', () => {
    const schema = testSessionTokenObject.toJsonSchema() as {
      properties: Record<string, { enum?: string[] }>;
      required: string[];
    };
    expect(schema.properties.status?.enum).toEqual(['pending', 'accepted', 'revoked']);
    expect(schema.required).toContain('token');
  });
});
