import { createClerkClient } from '@clerk/backend';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
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
    const argonDigest = await argon2.hash('x', { type: argon2.argon2id, memoryCost: 8192, timeCost: 1 });
    const [, , , , salt, hash] = argonDigest.split('$');
    const cases: [Json, string, string][] = [
      // Costs no import may carry: 2^31 bcrypt rounds, argon2 with 1 KiB, no passes, or m given twice.
      [
        { password_digest: bcryptDigest.replace(/^\$2b\$04\$/, '$2b$31$'), password_hasher: 'bcrypt' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [
        { password_digest: `$argon2id$v=19$m=1,t=1,p=1$${salt}$${hash}`, password_hasher: 'argon2id' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [
        { password_digest: `$argon2id$v=19$m=8192,t=0,p=1$${salt}$${hash}`, password_hasher: 'argon2id' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [
        { password_digest: `$argon2id$v=19$m=8192,m=8192,p=1$${salt}$${hash}`, password_hasher: 'argon2id' },
        'form_param_value_invalid',
        'password_digest',
      ],
      [
        { password_digest: `$argon2id$v=19$m=4194304,t=1,p=1$${salt}$${hash}`, password_hasher: 'argon2id' },
        'form_param_value_invalid',
        'password_digest',
      ],
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

  it('hashes and checks without holding up the event loop: other callbacks run meanwhile', async () => {
    /** How often the event loop went round while `work` ran: once or twice if it blocked. */
    const turnsDuring = async (work: () => Promise<unknown>) => {
      let turns = 0;
      let running = true;
      const spin = () => {
        turns++;
        if (running) setImmediate(spin);
      };
      setImmediate(spin);
      await work();
      running = false;
      return turns;
    };
    let digest = '';
    expect(
      await turnsDuring(async () => (digest = await hashPassword('a password to hash'))),
    ).toBeGreaterThan(10);
    expect(await passwordMatches(digest, 'scrypt', 'a password to hash')).toBe(true);
    expect(await passwordMatches(digest, 'scrypt', 'another')).toBe(false);
    const bcryptDigest = await bcrypt.hash('pw', 12);
    expect(await turnsDuring(() => passwordMatches(bcryptDigest, 'bcrypt', 'pw'))).toBeGreaterThan(10);
    const argonDigest = await argon2.hash('pw', { type: argon2.argon2id });
    expect(await turnsDuring(() => passwordMatches(argonDigest, 'argon2id', 'pw'))).toBeGreaterThan(10);
  });

  it('matches nothing against a stored digest no check can use, rather than failing', async () => {
    expect(await passwordMatches('$scrypt$ln=30,r=8,p=1$c2FsdA==$aGFzaA==', 'scrypt', 'x')).toBe(false);
    expect(await passwordMatches('$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHRzYQ$aGFzaGhh', 'argon2id', 'x')).toBe(
      false,
    );
    expect(await passwordMatches('garbage', 'bcrypt', 'x')).toBe(false);
    expect(await passwordMatches('whatever', 'md5', 'x')).toBe(false);
  });
});
