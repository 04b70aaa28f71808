import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, type Json, type TestServer } from './support/tessera';

function suite(database: string, start: StartServer) {
  describe(`users: metadata, lock and unlock on ${database}`, () => {
    let server: TestServer;
    let clerk: ReturnType<typeof createClerkClient>;

    beforeAll(async () => {
      server = await start();
      clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
    });
    afterAll(() => server.close());

    const metadataOf = async (id: string) => {
      const { public_metadata, private_metadata, unsafe_metadata } = (await server.get(`/v1/users/${id}`))
        .body;
      return { public_metadata, private_metadata, unsafe_metadata };
    };

    it('PATCH deep-merges: nested objects merge, null removes a key at any level, arrays replace', async () => {
      const user = await server.createUser({
        public_metadata: { role: 'member', flags: { beta: true, dark: true }, tags: ['a', 'b'] },
        private_metadata: { plan: 'free' },
      });
      const reply = await server.patch(`/v1/users/${user.id}/metadata`, {
        public_metadata: { role: 'admin', flags: { dark: null, new: 1 }, tags: ['c'] },
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.public_metadata).toEqual({
        role: 'admin',
        flags: { beta: true, new: 1 },
        tags: ['c'],
      });
      expect(await metadataOf(user.id)).toEqual({
        public_metadata: { role: 'admin', flags: { beta: true, new: 1 }, tags: ['c'] },
        private_metadata: { plan: 'free' },
        unsafe_metadata: {},
      });
      await server.patch(`/v1/users/${user.id}/metadata`, { public_metadata: { flags: null } });
      expect((await metadataOf(user.id)).public_metadata).toEqual({ role: 'admin', tags: ['c'] });
    });

    it('merges a key named __proto__ as data, not as a prototype', async () => {
      const user = await server.createUser({ public_metadata: { keep: 1 } });
      const reply = await server.call('PATCH', `/v1/users/${user.id}/metadata`, {
        body: '{"public_metadata":{"__proto__":{"polluted":true},"nested":{"__proto__":{"x":1}}}}',
      });
      expect(reply.status, reply.text).toBe(200);
      expect(JSON.parse(reply.text).public_metadata).toEqual(
        JSON.parse('{"keep":1,"__proto__":{"polluted":true},"nested":{"__proto__":{"x":1}}}'),
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('PUT replaces each metadata given, {} clears it, and leaves the others', async () => {
      const user = await server.createUser({
        public_metadata: { a: { b: 1 } },
        private_metadata: { keep: true },
      });
      expect(
        (await server.call('PUT', `/v1/users/${user.id}/metadata`, { body: { public_metadata: { c: 2 } } }))
          .status,
      ).toBe(200);
      expect(await metadataOf(user.id)).toEqual({
        public_metadata: { c: 2 },
        private_metadata: { keep: true },
        unsafe_metadata: {},
      });
      await server.call('PUT', `/v1/users/${user.id}/metadata`, { body: { private_metadata: {} } });
      expect((await metadataOf(user.id)).private_metadata).toEqual({});
    });

    it('refuses a merge that would outgrow the limit, null for a whole metadata, and an unknown user; nothing written', async () => {
      const user = await server.createUser({ public_metadata: { big: 'x'.repeat(6000) } });
      expectError(
        await server.patch(`/v1/users/${user.id}/metadata`, { public_metadata: { more: 'y'.repeat(3000) } }),
        422,
        'form_param_value_invalid',
        'public_metadata',
      );
      expect((await metadataOf(user.id)).public_metadata).toEqual({ big: 'x'.repeat(6000) });
      expectError(
        await server.call('PUT', `/v1/users/${user.id}/metadata`, { body: { public_metadata: null } }),
        422,
        'form_param_value_invalid',
        'public_metadata',
      );
      expectError(
        await server.patch(`/v1/users/user_${'0'.repeat(25)}zz/metadata`, {}),
        404,
        'resource_not_found',
      );
    });

    it('works through @clerk/backend: updateUserMetadata merges, replaceUserMetadata replaces', async () => {
      const user = await server.createUser({ public_metadata: { role: 'member', theme: 'dark' } });
      const merged = await clerk.users.updateUserMetadata(user.id, { publicMetadata: { role: 'owner' } });
      expect(merged.publicMetadata).toEqual({ role: 'owner', theme: 'dark' });
      const replaced = await clerk.users.replaceUserMetadata(user.id, { publicMetadata: { role: 'guest' } });
      expect(replaced.publicMetadata).toEqual({ role: 'guest' });
    });

    it('@clerk/backend getUserList: banned, organizationId and phoneNumber are honoured, an unknown order refused by name', async () => {
      const user = await server.createUser({ username: `listed-${database}` });
      await clerk.users.banUser(user.id);
      const { data, totalCount } = await clerk.users.getUserList({ banned: true, limit: 100 } as never);
      expect(data.map((u) => u.id)).toContain(user.id);
      expect(data.every((u) => u.banned)).toBe(true);
      expect(totalCount).toBeGreaterThanOrEqual(data.length);
      const org = await clerk.organizations.createOrganization({
        name: `Listers ${database}`,
        createdBy: user.id,
      });
      const members = await clerk.users.getUserList({ organizationId: [org.id] });
      expect(members.data.map((u) => u.id)).toEqual([user.id]);
      // No tessera user has a phone number: asked for one, the answer is no one, not everyone.
      expect((await clerk.users.getUserList({ phoneNumber: ['+15550100'] })).totalCount).toBe(0);
      await expect(clerk.users.getUserList({ orderBy: '-web3wallet' })).rejects.toMatchObject({
        status: 422,
        errors: [{ code: 'form_param_value_invalid', meta: { paramName: 'order_by' } }],
      });
    });

    it('a locked user gets no ticket and cannot accept one; their session goes on; unlock restores', async () => {
      const user = await server.createUser({ username: `locked-${database}` });
      const { session } = await server.accept((await server.createToken({ user_id: user.id })).token);
      const pending = await server.createToken({ user_id: user.id });
      const locked = await clerk.users.lockUser(user.id);
      expect(locked.locked).toBe(true);
      expectError(
        await server.post('/v1/test_session_tokens', { user_id: user.id }),
        403,
        'user_locked',
        'user_id',
      );
      expectError(
        await server.post('/v1/sign_in_tokens', { user_id: user.id }),
        403,
        'user_locked',
        'user_id',
      );
      expectError(
        await server.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false }),
        403,
        'user_locked',
      );
      expect((await server.post(`/v1/sessions/${session.id}/tokens`, {})).status).toBe(200);
      expect((await clerk.users.unlockUser(user.id)).locked).toBe(false);
      expect((await server.accept(pending.token)).session.user_id).toBe(user.id);
      const events = await server.get(`/v1/audit_events?user_id=${user.id}&order_by=%2Bcreated_at&limit=50`);
      const types = events.body.map((event: Json) => event.type);
      expect(types).toContain('user.locked');
      expect(types.indexOf('user.unlocked')).toBeGreaterThan(types.indexOf('user.locked'));
      expectError(await server.post(`/v1/users/user_${'0'.repeat(25)}zz/lock`), 404, 'resource_not_found');
    });
  });
}

onEveryDatabase('users lock and metadata', suite);
