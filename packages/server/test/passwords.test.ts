import { createClerkClient } from '@clerk/backend';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, passwordMatches } from '../src/users/passwords';
import { expectError, type Json, startTestServer, type TestServer } from './support/tessera';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const verify = (userId: string, password: string) =>
  server.post(`/v1/users/${userId}/verify_password`, { password });

/** The stored row, below the API: to see what is (and is not) kept. */
const storedRow = (id: string) =>
  server.tessera.context.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('passwords', () => {
  it('stores a password only as a scrypt digest, says password_enabled, and verifies it', async () => {
    const user = await server.createUser({ username: 'pw-ada', password: 'correct horse battery' });
    expect(user.password_enabled).toBe(true);
    expect(JSON.stringify(user)).not.toContain('correct horse');
    const row = await storedRow(user.id);
    expect(row.password_hasher).toBe('scrypt');
    expect(row.password_digest).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(JSON.stringify(row)).not.toContain('correct horse');
    expect((await verify(user.id, 'correct horse battery')).body).toEqual({ verified: true });
    expectError(await verify(user.id, 'wrong horse battery'), 422, 'form_password_incorrect', 'password');
    const plain = await server.createUser({ username: 'pw-none' });
    expect(plain.password_enabled).toBe(false);
    expectError(await verify(plain.id, 'anything'), 422, 'password_not_set', 'password');
  });

  it('refuses a short password unless told to skip the checks, and changes one on update', async () => {
    expectError(
      await server.post('/v1/users', { username: 'pw-short', password: 'short' }),
      422,
      'form_password_length_too_short',
      'password',
    );
    expect((await server.get('/v1/users?username=pw-short')).body).toEqual([]);
    const user = await server.createUser({
      username: 'pw-short',
      password: 'short',
      skip_password_checks: true,
    });
    expect((await verify(user.id, 'short')).body).toEqual({ verified: true });
    const updated = await server.patch(`/v1/users/${user.id}`, { password: 'a much longer one' });
    expect(updated.status, updated.text).toBe(200);
    expectError(await verify(user.id, 'short'), 422, 'form_password_incorrect');
    expect((await verify(user.id, 'a much longer one')).body).toEqual({ verified: true });
  });

  it('imports bcrypt and argon2 digests as given and verifies against them', async () => {
    const digests = {
      bcrypt: await bcrypt.hash('imported-1', 10),
      argon2id: await argon2.hash('imported-2', { type: argon2.argon2id }),
      argon2i: await argon2.hash('imported-3', { type: argon2.argon2i }),
    };
    const passwords = { bcrypt: 'imported-1', argon2id: 'imported-2', argon2i: 'imported-3' };
    for (const [hasher, digest] of Object.entries(digests)) {
      const user = await server.createUser({ password_digest: digest, password_hasher: hasher });
      expect(user.password_enabled).toBe(true);
      expect((await storedRow(user.id)).password_digest).toBe(digest);
      expect((await verify(user.id, passwords[hasher as keyof typeof passwords])).body).toEqual({
        verified: true,
      });
      expectError(await verify(user.id, 'not it'), 422, 'form_password_incorrect');
    }
  });

  it('refuses a malformed digest, a digest without its hasher and the reverse, and both password and digest', async () => {
    const bcryptDigest = await bcrypt.hash('x', 4);
    const cases: [Json, string, string][] = [
      [
        { password_digest: '$2b$10$tooshort', password_hasher: 'bcrypt' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [
        { password_digest: bcryptDigest, password_hasher: 'argon2id' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [{ password_digest: bcryptDigest }, 'form_param_missing', 'password_hasher'],
      [{ password_hasher: 'bcrypt' }, 'form_param_missing', 'password_digest'],
      [
        { password_digest: bcryptDigest, password_hasher: 'md5' },
        'form_param_value_invalid',
        'password_hasher',
      ],
      [
        { password: 'long enough pw', password_digest: bcryptDigest, password_hasher: 'bcrypt' },
        'form_param_value_invalid',
        'password_digest',
      ],
    ];
    const before = (await server.get('/v1/users/count')).body.total_count;
    for (const [body, code, param] of cases)
      expectError(await server.post('/v1/users', body), 422, code, param);
    expect((await server.get('/v1/users/count')).body.total_count).toBe(before);
  });

  it('works through @clerk/backend: createUser({ password }) and verifyPassword', async () => {
    const clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
    const user = await clerk.users.createUser({ username: 'pw-clerk', password: 'clerk password 1' });
    expect(user.passwordEnabled).toBe(true);
    expect(await clerk.users.verifyPassword({ userId: user.id, password: 'clerk password 1' })).toEqual({
      verified: true,
    });
    await expect(
      clerk.users.verifyPassword({ userId: user.id, password: 'nope nope' }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [{ code: 'form_password_incorrect' }],
    });
  });

  it('hashes without holding up the event loop: other callbacks run while a digest is computed', async () => {
    let turns = 0;
    let hashing = true;
    const spin = () => {
      turns++;
      if (hashing) setImmediate(spin);
    };
    setImmediate(spin);
    const digest = await hashPassword('a password to hash');
    hashing = false;
    // scrypt ran in the thread pool: the loop went round many times meanwhile (a blocking hash: once).
    expect(turns).toBeGreaterThan(10);
    expect(await passwordMatches(digest, 'scrypt', 'a password to hash')).toBe(true);
    expect(await passwordMatches(digest, 'scrypt', 'another')).toBe(false);
  });
});
