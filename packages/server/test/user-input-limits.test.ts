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
