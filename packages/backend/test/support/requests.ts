import { createBackendApiClient } from '@tessera/backend';
import { expect } from 'vitest';
import { type FakeFetch, fakeFetch, jsonReply } from './fake-fetch';
import { SECRET_KEY } from './wire-fixtures';

export const API = 'http://tessera.test:4000';

export type Client = ReturnType<typeof createBackendApiClient>;

/** A client whose fetch answers every request with `reply`. */
export function clientWith(reply: unknown): { client: Client; fake: FakeFetch } {
  const fake = fakeFetch(jsonReply(reply));
  const client = createBackendApiClient({ secretKey: SECRET_KEY, apiUrl: API, fetch: fake.fetch });
  return { client, fake };
}

/**
 * Asserts the only request: method, path, query, JSON body, the secret key, and the
 * `Idempotency-Key` (any UUID when `true`, exactly this one when a string, none when falsy).
 */
export function expectRequest(
  fake: FakeFetch,
  expected: {
    method: string;
    path: string;
    query?: [string, string][];
    body?: unknown;
    idempotent?: boolean | string;
  },
) {
  const call = fake.only();
  expect(call.method).toBe(expected.method);
  expect(`${call.url.origin}${call.url.pathname}`).toBe(`${API}${expected.path}`);
  expect([...call.url.searchParams.entries()]).toEqual(expected.query ?? []);
  expect(call.body).toEqual(expected.body);
  expect(call.headers.Authorization).toBe(`Bearer ${SECRET_KEY}`);
  expect(call.headers['Content-Type']).toBe('application/json');
  expect(call.headers['User-Agent']).toMatch(/^@tessera\/backend\/\d+\.\d+\.\d+/);
  if (typeof expected.idempotent === 'string')
    expect(call.headers['Idempotency-Key']).toBe(expected.idempotent);
  else if (expected.idempotent) expect(call.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
  else expect(call.headers['Idempotency-Key']).toBeUndefined();
}
