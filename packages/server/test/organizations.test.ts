import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, type Json, type TestServer } from './support/tessera';

function suite(database: string, start: StartServer) {
  describe(`organizations, memberships, roles and permissions on ${database}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server.close());

    const ok = async (reply: Promise<{ status: number; text: string; body: Json }>) => {
      const settled = await reply;
      expect(settled.status, settled.text).toBe(200);
      return settled.body;
    };

    it('creates an organization: created_by becomes its admin, a slug is made from the name', async () => {
      const alice = await server.createUser({ email_address: ['alice@acme.test'], first_name: 'Alice' });
      const org = await ok(server.post('/v1/organizations', { name: 'Acme Inc.', created_by: alice.id }));
      expect(org).toMatchObject({
        object: 'organization',
        name: 'Acme Inc.',
        slug: 'acme-inc',
        created_by: alice.id,
        max_allowed_memberships: 0,
        admin_delete_enabled: true,
        public_metadata: {},
        private_metadata: {},
      });
      expect(org.id).toMatch(/^org_[0-9A-Za-z]{27}$/);
      const members = await ok(server.get(`/v1/organizations/${org.id}/memberships?paginated=false`));
      expect(members).toHaveLength(1);
      expect(members[0]).toMatchObject({
        object: 'organization_membership',
        role: 'org:admin',
        organization: { id: org.id, slug: 'acme-inc' },
        public_user_data: { user_id: alice.id, identifier: 'alice@acme.test', first_name: 'Alice' },
      });
      expect(members[0].permissions).toContain('org:sys_memberships:manage');
      // The same name again gets the next free slug.
      expect((await ok(server.post('/v1/organizations', { name: 'Acme Inc' }))).slug).toBe('acme-inc-2');
    });

    it('gets by id or by slug, with the member count when asked', async () => {
      const org = await ok(server.post('/v1/organizations', { name: 'Globex', slug: 'globex' }));
      const bySlug = await ok(server.get('/v1/organizations/globex?include_members_count=true'));
      expect(bySlug).toMatchObject({ id: org.id, members_count: 0 });
      expect((await ok(server.get(`/v1/organizations/${org.id}`))).members_count).toBeUndefined();
      expectError(await server.get('/v1/organizations/no-such-org'), 404, 'resource_not_found');
    });

    it('refuses a taken slug, a bad slug and an unknown creator, naming the field and writing nothing', async () => {
      await ok(server.post('/v1/organizations', { name: 'Initech', slug: 'initech' }));
      expectError(
        await server.post('/v1/organizations', { name: 'Other', slug: 'initech' }),
        422,
        'form_identifier_exists',
        'slug',
      );
      expectError(
        await server.post('/v1/organizations', { name: 'Other', slug: 'Bad_Slug' }),
        422,
        'form_param_value_invalid',
        'slug',
      );
      expectError(
        await server.post('/v1/organizations', { name: 'Orphan', created_by: 'user_nobody' }),
        404,
        'resource_not_found',
        'created_by',
      );
      const orphans = await ok(server.get('/v1/organizations?query=orphan&paginated=false'));
      expect(orphans).toEqual([]);
    });

    it('lists with query, organization_id, user_id, paging and a total', async () => {
      const bob = await server.createUser({ username: 'bob_lister' });
      const made = [];
      for (const name of ['Listable One', 'Listable Two', 'Listable Three']) {
        server.clock.advance(1000);
        made.push(await ok(server.post('/v1/organizations', { name, created_by: bob.id })));
      }
      const page = await ok(server.get('/v1/organizations?query=listable&limit=2&paginated=true'));
      expect(page.total_count).toBe(3);
      // As Clerk's, these lists are paginated unless asked not to be.
      expect((await ok(server.get('/v1/organizations?query=listable'))).total_count).toBe(3);
      expect(page.data.map((org: Json) => org.name)).toEqual(['Listable Three', 'Listable Two']);
      const byId = await ok(server.get(`/v1/organizations?organization_id=${made[0].id}&paginated=false`));
      expect(byId.map((org: Json) => org.id)).toEqual([made[0].id]);
      const bobs = await ok(
        server.get(`/v1/organizations?user_id=${bob.id}&order_by=%2Bcreated_at&paginated=false`),
      );
      expect(bobs.map((org: Json) => org.id)).toEqual(made.map((org) => org.id));
      const counted = await ok(
        server.get(
          '/v1/organizations?query=listable&order_by=-members_count&include_members_count=true&paginated=false',
        ),
      );
      expect(counted.every((org: Json) => org.members_count === 1)).toBe(true);
      expectError(
        await server.get('/v1/organizations?colour=red&paginated=false'),
        422,
        'form_param_unknown',
        'colour',
      );
    });

    it('updates, merges and replaces metadata, and deletes with its memberships', async () => {
      const carol = await server.createUser({ username: 'carol' });
      const org = await ok(
        server.post('/v1/organizations', {
          name: 'Hooli',
          created_by: carol.id,
          public_metadata: { plan: { tier: 'free', seats: 5 } },
        }),
      );
      const renamed = await ok(
        server.patch(`/v1/organizations/${org.id}`, { name: 'Hooli XYZ', max_allowed_memberships: 3 }),
      );
      expect(renamed).toMatchObject({ name: 'Hooli XYZ', slug: 'hooli', max_allowed_memberships: 3 });
      const merged = await ok(
        server.patch(`/v1/organizations/${org.id}/metadata`, {
          public_metadata: { plan: { tier: 'pro', seats: null } },
        }),
      );
      expect(merged.public_metadata).toEqual({ plan: { tier: 'pro' } });
      const replaced = await ok(
        server.call('PUT', `/v1/organizations/${org.id}/metadata`, { body: { private_metadata: { x: 1 } } }),
      );
      expect(replaced).toMatchObject({
        public_metadata: { plan: { tier: 'pro' } },
        private_metadata: { x: 1 },
      });

      expect(await ok(server.del(`/v1/organizations/${org.id}`))).toEqual({
        object: 'organization',
        id: org.id,
        deleted: true,
      });
      expectError(await server.get(`/v1/organizations/${org.id}`), 404, 'resource_not_found');
      expect(await ok(server.get(`/v1/users/${carol.id}/organization_memberships?paginated=false`))).toEqual(
        [],
      );
    });

    it('adds members with roles, lists them by organization and by user, changes roles and removes', async () => {
      const owner = await server.createUser({ username: 'dora' });
      const eve = await server.createUser({ email_address: ['eve@acme.test'], username: 'eve' });
      const org = await ok(server.post('/v1/organizations', { name: 'Umbrella', created_by: owner.id }));
      const added = await ok(
        server.post(`/v1/organizations/${org.id}/memberships`, { user_id: eve.id, role: 'org:member' }),
      );
      expect(added).toMatchObject({
        role: 'org:member',
        role_name: 'Member',
        permissions: ['org:sys_memberships:read'],
      });

      expectError(
        await server.post(`/v1/organizations/${org.id}/memberships`, { user_id: eve.id, role: 'org:member' }),
        400,
        'already_a_member_in_organization',
        'user_id',
      );
      expectError(
        await server.post(`/v1/organizations/${org.id}/memberships`, {
          user_id: owner.id,
          role: 'org:wizard',
        }),
        422,
        'form_param_value_invalid',
        'role',
      );
      expectError(
        await server.post(`/v1/organizations/${org.id}/memberships`, {
          user_id: 'user_ghost',
          role: 'org:member',
        }),
        404,
        'resource_not_found',
        'user_id',
      );
      expectError(
        await server.post('/v1/organizations/org_missing/memberships', {
          user_id: eve.id,
          role: 'org:member',
        }),
        404,
        'resource_not_found',
      );

      const admins = await ok(
        server.get(`/v1/organizations/${org.id}/memberships?role=org:admin&paginated=false`),
      );
      expect(admins.map((m: Json) => m.public_user_data.user_id)).toEqual([owner.id]);
      const found = await ok(
        server.get(`/v1/organizations/${org.slug}/memberships?query=eve%40acme&paginated=true`),
      );
      expect(found.total_count).toBe(1);

      const promoted = await ok(
        server.patch(`/v1/organizations/${org.id}/memberships/${eve.id}`, { role: 'org:admin' }),
      );
      expect(promoted.role).toBe('org:admin');
      const eves = await ok(server.get(`/v1/users/${eve.id}/organization_memberships?paginated=false`));
      expect(eves.map((m: Json) => [m.organization.id, m.role])).toEqual([[org.id, 'org:admin']]);

      const meta = await ok(
        server.patch(`/v1/organizations/${org.id}/memberships/${eve.id}/metadata`, {
          public_metadata: { team: 'red' },
        }),
      );
      expect(meta.public_metadata).toEqual({ team: 'red' });

      const removed = await ok(server.del(`/v1/organizations/${org.id}/memberships/${eve.id}`));
      expect(removed.public_user_data.user_id).toBe(eve.id);
      expectError(
        await server.del(`/v1/organizations/${org.id}/memberships/${eve.id}`),
        422,
        'not_a_member_in_organization',
        'user_id',
      );
      const all = await ok(server.get('/v1/organization_memberships?paginated=true&limit=1'));
      expect(all.total_count).toBeGreaterThan(0);
      expect(all.data).toHaveLength(1);
    });

    it('refuses a member past max_allowed_memberships', async () => {
      const [a, b] = [await server.createUser(), await server.createUser()];
      const org = await ok(
        server.post('/v1/organizations', { name: 'Tiny', created_by: a.id, max_allowed_memberships: 1 }),
      );
      expectError(
        await server.post(`/v1/organizations/${org.id}/memberships`, { user_id: b.id, role: 'org:member' }),
        403,
        'organization_membership_quota_exceeded',
        'user_id',
      );
    });

    it('deleting a user removes their memberships; users filter by organization_id', async () => {
      const [a, b] = [
        await server.createUser({ username: 'gone_soon' }),
        await server.createUser({ username: 'stays' }),
      ];
      const org = await ok(server.post('/v1/organizations', { name: 'Cascade', created_by: a.id }));
      await ok(server.post(`/v1/organizations/${org.id}/memberships`, { user_id: b.id, role: 'org:member' }));
      const inOrg = await ok(server.get(`/v1/users?organization_id=${org.id}&order_by=%2Bcreated_at`));
      expect(inOrg.map((user: Json) => user.id).sort()).toEqual([a.id, b.id].sort());
      await ok(server.del(`/v1/users/${a.id}`));
      const left = await ok(server.get(`/v1/organizations/${org.id}/memberships?paginated=false`));
      expect(left.map((m: Json) => m.public_user_data.user_id)).toEqual([b.id]);
      expect((await ok(server.get(`/v1/users/count?organization_id=${org.id}`))).total_count).toBe(1);
    });

    it('has the default roles and system permissions; custom permissions make membership permissions real', async () => {
      const roles = await ok(server.get('/v1/organization_roles?order_by=key&paginated=false'));
      expect(roles.map((role: Json) => role.key)).toEqual(['org:admin', 'org:member']);
      const permissions = await ok(
        server.get('/v1/organization_permissions?query=sys_&limit=50&paginated=false'),
      );
      expect(permissions.every((p: Json) => p.type === 'system')).toBe(true);

      const read = await ok(
        server.post('/v1/organization_permissions', { key: 'org:invoices:read', name: 'Read invoices' }),
      );
      const pay = await ok(
        server.post('/v1/organization_permissions', { key: 'org:invoices:pay', name: 'Pay invoices' }),
      );
      expectError(
        await server.post('/v1/organization_permissions', { key: 'org:invoices:read', name: 'Again' }),
        422,
        'form_identifier_exists',
        'key',
      );
      expectError(
        await server.post('/v1/organization_permissions', { key: 'invoices.read', name: 'Bad' }),
        422,
        'form_param_value_invalid',
        'key',
      );
      expectError(
        await server.post('/v1/organization_permissions', { key: 'org:sys_profile:hack', name: 'Bad' }),
        422,
        'form_param_value_invalid',
        'key',
      );
      const role = await ok(
        server.post('/v1/organization_roles', {
          key: 'org:billing',
          name: 'Billing',
          permissions: ['org:invoices:read', pay.id],
        }),
      );
      expect(role.permissions.map((p: Json) => p.key)).toEqual(['org:invoices:pay', 'org:invoices:read']);
      expectError(
        await server.post('/v1/organization_roles', {
          key: 'org:other',
          name: 'Other',
          permissions: ['org:nope:x'],
        }),
        422,
        'form_param_value_invalid',
        'permissions[0]',
      );
      expect((await server.get('/v1/organization_roles?query=org:other&paginated=false')).body).toEqual([]);

      const user = await server.createUser();
      const org = await ok(server.post('/v1/organizations', { name: 'Billing Co' }));
      const member = await ok(
        server.post(`/v1/organizations/${org.id}/memberships`, { user_id: user.id, role: 'org:billing' }),
      );
      expect(member.permissions).toEqual(['org:invoices:pay', 'org:invoices:read']);

      // A permission taken from the role is gone from the membership at once.
      await ok(server.del(`/v1/organization_roles/${role.id}/permissions/${pay.id}`));
      const after = await ok(server.get(`/v1/organizations/${org.id}/memberships?paginated=false`));
      expect(after[0].permissions).toEqual(['org:invoices:read']);
      await ok(server.post(`/v1/organization_roles/${role.id}/permissions/${pay.id}`));

      expectError(await server.del(`/v1/organization_roles/${role.id}`), 409, 'organization_role_in_use');
      const admin = roles.find((r: Json) => r.key === 'org:admin');
      expectError(await server.del(`/v1/organization_roles/${admin.id}`), 400, 'default_role_undeletable');
      const system = permissions[0];
      expectError(
        await server.del(`/v1/organization_permissions/${system.id}`),
        400,
        'system_permission_immutable',
      );

      // Renaming a role's key moves its members with it.
      const renamed = await ok(server.patch(`/v1/organization_roles/${role.id}`, { key: 'org:finance' }));
      expect(renamed.key).toBe('org:finance');
      expect((await ok(server.get(`/v1/organizations/${org.id}/memberships?paginated=false`)))[0].role).toBe(
        'org:finance',
      );

      await ok(server.del(`/v1/organizations/${org.id}/memberships/${user.id}`));
      expect(await ok(server.del(`/v1/organization_roles/${role.id}`))).toEqual({
        object: 'role',
        id: role.id,
        deleted: true,
      });
      expect(await ok(server.del(`/v1/organization_permissions/${read.id}`))).toMatchObject({
        deleted: true,
      });
    });
  });
}

onEveryDatabase('organizations', suite);
