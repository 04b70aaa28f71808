import { ConfigurationError, createBackendApiClient, verifyToken } from '@tessera/backend';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonReply } from './support/fake-fetch';
import { SECRET_KEY, USER_ID, userJSON } from './support/wire-fixtures';

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the connection options, shared by the client and verifyToken', () => {
  const badValues: [string, Record<string, unknown>][] = [
    ['secretKey', { secretKey: 'sk_test_short' }],
    ['secretKey', { secretKey: '' }],
    ['apiUrl', { secretKey: SECRET_KEY, apiUrl: 'not a url' }],
    ['apiUrl', { secretKey: SECRET_KEY, apiUrl: 'ftp://tessera.test' }],
    ['apiVersion', { secretKey: SECRET_KEY, apiVersion: 'latest' }],
    ['apiVersion', { secretKey: SECRET_KEY, apiVersion: 2 }],
    ['fetch', { secretKey: SECRET_KEY, fetch: 'fetch' }],
  ];

  it.each(badValues)(
    'both refuse a bad %s the same way, the client at construction',
    async (option, options) => {
      const fromClient = configError(() => createBackendApiClient(options as { secretKey: string }));
      expect(fromClient.option).toBe(option);
      const fromVerify = await verifyToken('a.b.c', options).catch((error: unknown) => error);
      expect(fromVerify).toBeInstanceOf(ConfigurationError);
      expect((fromVerify as ConfigurationError).option).toBe(option);
      expect((fromVerify as ConfigurationError).code).toBe(fromClient.code);
      expect((fromVerify as ConfigurationError).message).toBe(fromClient.message);
    },
  );
});

describe('createBackendApiClient options', () => {
  it('a missing secret key throws at construction, naming the option', () => {
    const error = configError(() => createBackendApiClient({ secretKey: undefined }));
    expect(error.option).toBe('secretKey');
    expect(error.code).toBe('configuration_invalid');
    expect(error.message).toMatch(/^secretKey is missing/);
  });

  it('a malformed secret key throws without echoing it', () => {
    for (const secretKey of [
      'pk_test_abc',
      'sk_test_short',
      `sk_prod_${'a'.repeat(40)}`,
      `Bearer ${SECRET_KEY}`,
    ]) {
      const error = configError(() => createBackendApiClient({ secretKey }));
      expect(error.option).toBe('secretKey');
      expect(error.message).not.toContain(secretKey);
    }
  });

  it('checks every other option eagerly', () => {
    const bad: [string, Record<string, unknown>][] = [
      ['apiUrl', { apiUrl: 'not a url' }],
      ['apiUrl', { apiUrl: 'ftp://x.test' }],
      ['apiVersion', { apiVersion: '1' }],
      ['timeoutMs', { timeoutMs: 0 }],
      ['maxRetries', { maxRetries: -1 }],
      ['maxRetries', { maxRetries: 1.5 }],
      ['fetch', { fetch: 'fetch' }],
      ['sleep', { sleep: 5 }],
      ['userAgent', { userAgent: '' }],
    ];
    for (const [option, extra] of bad) {
      expect(configError(() => createBackendApiClient({ secretKey: SECRET_KEY, ...extra })).option).toBe(
        option,
      );
    }
  });

  it('apiUrl defaults to TESSERA_API_URL, then to http://127.0.0.1:4000', async () => {
    const fake = fakeFetch(jsonReply(userJSON()));
    vi.stubEnv('TESSERA_API_URL', 'http://from-env.test:9999/');
    await createBackendApiClient({ secretKey: SECRET_KEY, fetch: fake.fetch }).users.get(USER_ID);
    vi.stubEnv('TESSERA_API_URL', '');
    await createBackendApiClient({ secretKey: SECRET_KEY, fetch: fake.fetch }).users.get(USER_ID);
    expect(fake.calls.map((call) => call.url.origin)).toEqual([
      'http://from-env.test:9999',
      'http://127.0.0.1:4000',
    ]);
  });

  it('uses the global fetch when none is given', async () => {
    const fake = fakeFetch(jsonReply(userJSON()));
    vi.stubGlobal('fetch', fake.fetch);
    try {
      await createBackendApiClient({ secretKey: SECRET_KEY, apiUrl: 'http://x.test' }).users.get(USER_ID);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fake.calls).toHaveLength(1);
  });
});
