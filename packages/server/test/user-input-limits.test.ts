import { METADATA_MAX_BYTES } from '@tessera/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestServer, type TestServer } from './support/tessera';

/** What the API refuses in a user so that it cannot reach a terminal raw or grow without bound. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe('control and bidi-override characters', () => {
  const unprintable = ['\u001b[31m', '\u0007', '\u007f', '\u009b', '\u202e', '\u2066'];

  it.each(unprintable)('refuses %j in an email address, a first or last name', async (char) => {
    expectError(
      await server.post('/v1/users', { email_address: [`a${char}b@example.com`] }),
      422,
      'form_param_value_invalid',
      'email_address[0]',
    );
    for (const field of ['first_name', 'last_name']) {
      expectError(
        await server.post('/v1/users', { [field]: `Tina${char}` }),
        422,
        'form_param_value_invalid',
        field,
      );
    }
    const user = await server.createUser({ username: `plain${unprintable.indexOf(char)}` });
    expectError(
      await server.patch(`/v1/users/${user.id}`, { first_name: `x${char}` }),
      422,
      'form_param_value_invalid',
      'first_name',
    );
  });

  it('refuses them in a username, and keeps accepting names outside ASCII', async () => {
    expectError(
      await server.post('/v1/users', { username: 'tina\u001b' }),
      422,
      'form_param_value_invalid',
      'username',
    );
    const created = await server.post('/v1/users', { first_name: 'Zoë', last_name: 'محمد' });
    expect(created.status).toBe(200);
  });
});

describe('metadata size', () => {
  /** An object whose JSON is exactly `bytes` UTF-8 bytes, with multi-byte characters in it. */
  function metadataOf(bytes: number): Record<string, string> {
    const overhead = '{"k":""}'.length;
    const euros = Math.floor((bytes - overhead) / 3); // "€" is 3 bytes in UTF-8
    return { k: '€'.repeat(euros) + 'a'.repeat(bytes - overhead - euros * 3) };
  }

  it.each(['public_metadata', 'private_metadata', 'unsafe_metadata'])(
    'accepts %s of the limit and refuses one byte more, on create and update',
    async (field) => {
      expect(new TextEncoder().encode(JSON.stringify(metadataOf(METADATA_MAX_BYTES))).length).toBe(
        METADATA_MAX_BYTES,
      );
      const created = await server.post('/v1/users', { [field]: metadataOf(METADATA_MAX_BYTES) });
      expect(created.status).toBe(200);
      expect(created.body[field]).toEqual(metadataOf(METADATA_MAX_BYTES));
      expectError(
        await server.post('/v1/users', { [field]: metadataOf(METADATA_MAX_BYTES + 1) }),
        422,
        'form_param_value_invalid',
        field,
      );
      expectError(
        await server.patch(`/v1/users/${created.body.id}`, { [field]: metadataOf(METADATA_MAX_BYTES + 1) }),
        422,
        'form_param_value_invalid',
        field,
      );
    },
  );
});

describe('reply size', () => {
  it('keeps a user of the largest accepted fields under 48 KiB of JSON (so 500 in a list under 24 MiB)', async () => {
    const at = (n: number) => String(n).padStart(2, '0');
    const created = await server.post('/v1/users', {
      email_address: Array.from({ length: 10 }, (_, n) => `${at(n)}${'€'.repeat(300)}@${'€'.repeat(17)}`),
      username: 'u'.repeat(64),
      first_name: '€'.repeat(256),
      last_name: '€'.repeat(256),
      external_id: '\u0001'.repeat(256), // six bytes each once escaped in JSON
      public_metadata: { k: '€'.repeat((METADATA_MAX_BYTES - 8) / 3) },
      private_metadata: { k: '€'.repeat((METADATA_MAX_BYTES - 8) / 3) },
      unsafe_metadata: { k: '€'.repeat((METADATA_MAX_BYTES - 8) / 3) },
    });
    expect(created.status).toBe(200);
    const reply = await fetch(`${server.tessera.url}/v1/users/${created.body.id}`, {
      headers: { authorization: `Bearer ${server.secretKey}` },
    });
    const bytes = (await reply.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(36 * 1024); // the fields above are near their limits
    expect(bytes).toBeLessThan(48 * 1024);
  });
});
