import {
  ApiConnectionError,
  ApiResponseError,
  type BackendApiClientOptions,
  createBackendApiClient,
  ResponseValidationError,
} from '@tessera/backend';
import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonReply, type Reply, wireError } from './support/fake-fetch';
import { SECRET_KEY, testSessionTokenJSON, USER_ID, userJSON } from './support/wire-fixtures';

function setup(replies: Reply[], options: Partial<BackendApiClientOptions> = {}) {
  const fake = fakeFetch(...replies);
  const sleeps: number[] = [];
  const client = createBackendApiClient({
    secretKey: SECRET_KEY,
    apiUrl: 'http://tessera.test',
    fetch: fake.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, fake, sleeps };
}

describe('error responses', () => {
  it('a 4xx wire error becomes ApiResponseError with every field', async () => {
    const { client, fake } = setup([wireError(422, 'form_param_missing')]);
    const error = await client.users.get(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error).toMatchObject({
      code: 'form_param_missing',
      status: 422,
      traceId: 'req_trace_1',
      retryAfter: null,
      errors: [
        {
          code: 'form_param_missing',
          message: 'short',
          longMessage: 'long form_param_missing',
          meta: { param_name: 'user_id' },
        },
      ],
    });
    expect(fake.calls).toHaveLength(1);
  });

  it('a 4xx is never retried', async () => {
    const { client, fake } = setup([wireError(404, 'resource_not_found'), jsonReply(userJSON())]);
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({
      code: 'resource_not_found',
      status: 404,
    });
    expect(fake.calls).toHaveLength(1);
  });

  it('a non-wire error body gives unexpected_response', async () => {
    const { client } = setup([{ status: 500, text: '<html>oops</html>' }]);
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({
      code: 'unexpected_response',
      status: 500,
      errors: [],
      traceId: null,
    });
  });

  it('a 5xx other than 502/503/504 is not retried', async () => {
    const { client, fake } = setup([wireError(500, 'internal_error')]);
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({ code: 'internal_error', status: 500 });
    expect(fake.calls).toHaveLength(1);
  });

  it('a 2xx body that is not JSON or not the resource raises ResponseValidationError', async () => {
    const notJson = setup([{ status: 200, text: 'not json' }]);
    await expect(notJson.client.users.get(USER_ID)).rejects.toMatchObject({
      code: 'response_invalid',
      path: '',
    });
    const wrong = setup([jsonReply(userJSON({ banned: 'no' }))]);
    const error = await wrong.client.users.get(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ resource: 'User', path: 'banned' });
  });

  it('messages never contain the secret key', async () => {
    const { client } = setup([wireError(401, 'clerk_key_invalid')]);
    const error = (await client.users.get(USER_ID).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(SECRET_KEY);
    expect(JSON.stringify(error)).not.toContain(SECRET_KEY);
  });
});

describe('retries', () => {
  it('retries 502, 503, 504 on a GET with growing, jittered backoff', async () => {
    const { client, fake, sleeps } = setup(
      [wireError(502, 'internal_error'), wireError(503, 'service_unavailable'), jsonReply(userJSON())],
      { maxRetries: 2 },
    );
    await expect(client.users.get(USER_ID)).resolves.toMatchObject({ id: USER_ID });
    expect(fake.calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
    expect(sleeps[1]).toBeGreaterThanOrEqual(500);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { client, fake } = setup([wireError(504, 'internal_error')], { maxRetries: 3 });
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({ status: 504 });
    expect(fake.calls).toHaveLength(4);
  });

  it('maxRetries: 0 disables retries', async () => {
    const { client, fake } = setup([wireError(503, 'service_unavailable')], { maxRetries: 0 });
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({ status: 503 });
    expect(fake.calls).toHaveLength(1);
  });

  it('honours Retry-After on 429, in seconds and as an HTTP date', async () => {
    const seconds = setup([
      wireError(429, 'too_many_requests', { headers: { 'Retry-After': '3' } }),
      jsonReply(userJSON()),
    ]);
    await seconds.client.users.get(USER_ID);
    expect(seconds.sleeps).toEqual([3000]);

    // The clock is frozen on a whole second, so the wait is exact however busy the machine is.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.UTC(2025, 0, 15, 12, 0, 0));
      const date = new Date(Date.now() + 10_000).toUTCString();
      const dated = setup([
        wireError(429, 'too_many_requests', { headers: { 'Retry-After': date } }),
        jsonReply(userJSON()),
      ]);
      await dated.client.users.get(USER_ID);
      expect(dated.sleeps).toEqual([10_000]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not wait for a Retry-After over a minute: the 429 is thrown with retryAfter', async () => {
    const { client, fake, sleeps } = setup([
      wireError(429, 'too_many_requests', { headers: { 'Retry-After': '120' } }),
    ]);
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({
      code: 'too_many_requests',
      retryAfter: 120,
    });
    expect(fake.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries network errors, then throws ApiConnectionError', async () => {
    const recovered = setup([{ networkError: true }, jsonReply(userJSON())]);
    await expect(recovered.client.users.get(USER_ID)).resolves.toMatchObject({ id: USER_ID });
    expect(recovered.fake.calls).toHaveLength(2);

    const down = setup([{ networkError: true }]);
    const error = await down.client.users.get(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiConnectionError);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(down.fake.calls).toHaveLength(3);
  });

  it('times out each attempt after timeoutMs', async () => {
    const { client, fake } = setup([{ hang: true }], { timeoutMs: 20, maxRetries: 1 });
    await expect(client.users.get(USER_ID)).rejects.toMatchObject({
      name: 'ApiConnectionError',
      code: 'timeout',
    });
    expect(fake.calls).toHaveLength(2);
  });

  it('a create reuses one idempotency key across its retries', async () => {
    const { client, fake } = setup([
      { networkError: true },
      wireError(503, 'service_unavailable'),
      jsonReply(testSessionTokenJSON()),
    ]);
    await client.testSessionTokens.create({ userId: USER_ID });
    expect(fake.calls).toHaveLength(3);
    const keys = fake.calls.map((call) => call.headers['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(fake.calls.map((call) => call.body)).toEqual(Array(3).fill({ user_id: USER_ID }));
  });

  it('two creates get two different keys', async () => {
    const { client, fake } = setup([jsonReply(userJSON())]);
    await client.users.create({ username: 'a' });
    await client.users.create({ username: 'a' });
    expect(fake.calls[0]?.headers['Idempotency-Key']).not.toBe(fake.calls[1]?.headers['Idempotency-Key']);
  });

  it('a POST without an idempotency key is never retried (revoke, ban, accept, getToken)', async () => {
    const calls = [
      (c: ReturnType<typeof createBackendApiClient>) => c.testSessionTokens.revoke('tst_1'),
      (c: ReturnType<typeof createBackendApiClient>) => c.users.ban(USER_ID),
      (c: ReturnType<typeof createBackendApiClient>) => c.testSessionTokens.accept('ticket'),
      (c: ReturnType<typeof createBackendApiClient>) => c.sessions.getToken('sess_1'),
    ];
    for (const call of calls) {
      for (const reply of [wireError(503, 'service_unavailable'), { networkError: true } as const]) {
        const { client, fake } = setup([reply]);
        await expect(call(client)).rejects.toBeDefined();
        expect(fake.calls).toHaveLength(1);
      }
    }
  });

  it('PATCH is not retried; DELETE is', async () => {
    const patch = setup([wireError(503, 'service_unavailable')]);
    await expect(patch.client.users.update(USER_ID, { firstName: 'A' })).rejects.toMatchObject({
      status: 503,
    });
    expect(patch.fake.calls).toHaveLength(1);

    const del = setup([
      wireError(503, 'service_unavailable'),
      jsonReply({ object: 'user', id: USER_ID, deleted: true }),
    ]);
    await expect(del.client.users.delete(USER_ID)).resolves.toMatchObject({ deleted: true });
    expect(del.fake.calls).toHaveLength(2);
  });
});
