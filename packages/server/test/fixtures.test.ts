import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, type Json, type TestServer } from './support/tessera';

const DOCUMENT = {
  permissions: [
    { key: 'org:invoices:read', name: 'Read invoices' },
    { key: 'org:invoices:pay', name: 'Pay invoices', description: 'Money leaves' },
  ],
  roles: [
    { key: 'org:accountant', name: 'Accountant', permissions: ['org:invoices:read', 'org:invoices:pay'] },
  ],
  users: [
    {
      id: 'user_alice',
      email_address: ['alice@acme.test'],
      username: 'alice',
      first_name: 'Alice',
      password: 'correct horse battery',
      public_metadata: { role: 'owner', flags: { beta: true } },
    },
    { email_address: ['bob@acme.test'], first_name: 'Bob', locked: true },
    {
      username: 'carol',
      password_digest: '$2b$04$abcdefghijklmnopqrstuu5JK2cXqVXQ4BC8QtmIgYh1kG3BtcJbW',
      password_hasher: 'bcrypt',
    },
  ],
  organizations: [
    {
      id: 'org_acme',
      name: 'Acme',
      slug: 'acme',
      public_metadata: { plan: 'enterprise' },
      members: [
        { user: 'user_alice', role: 'org:admin' },
        { user: 'bob@acme.test', role: 'org:accountant' },
      ],
    },
    { name: 'Globex Corp', members: [{ user: 'carol', role: 'org:member' }] },
  ],
  session_token_template: { claims: { role: '{{user.public_metadata.role}}' } },
};

function suite(database: string, start: StartServer) {
  describe(`fixtures on ${database}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server.close());

    const apply = (document: Json) => server.post('/v1/fixtures', document);
    const snapshot = async () => ({
      users: (await server.get('/v1/users?limit=100&order_by=%2Bcreated_at')).body,
      organizations: (await server.get('/v1/organizations?limit=100&paginated=false')).body,
      memberships: (await server.get('/v1/organization_memberships?limit=100&paginated=false')).body,
      roles: (await server.get('/v1/organization_roles?limit=100&paginated=false')).body,
      template: (await server.get('/v1/session_token_template')).body,
    });

    it('creates everything once, with the fixed ids; a second run changes nothing', async () => {
      const first = await apply(DOCUMENT);
      expect(first.status, first.text).toBe(200);
      expect(first.body).toEqual({
        object: 'fixtures_result',
        created: { permissions: 2, roles: 1, users: 3, organizations: 2, memberships: 3 },
        updated: { permissions: 0, roles: 0, users: 0, organizations: 0, memberships: 0 },
        unchanged: { permissions: 0, roles: 0, users: 0, organizations: 0, memberships: 0 },
      });
      const alice = (await server.get('/v1/users/user_alice')).body;
      expect(alice).toMatchObject({
        username: 'alice',
        password_enabled: true,
        public_metadata: { role: 'owner' },
      });
      expect(
        (await server.post('/v1/users/user_alice/verify_password', { password: 'correct horse battery' }))
          .status,
      ).toBe(200);
      const bob = (await server.get('/v1/users?email_address=bob@acme.test')).body[0];
      expect(bob.locked).toBe(true);
      const members = (await server.get('/v1/organizations/org_acme/memberships?paginated=false')).body;
      const roleOf = new Map(members.map((m: Json) => [m.public_user_data.user_id, m]));
      expect(members).toHaveLength(2);
      expect((roleOf.get('user_alice') as Json).role).toBe('org:admin');
      expect((roleOf.get(bob.id) as Json).role).toBe('org:accountant');
      expect((roleOf.get(bob.id) as Json).permissions).toEqual(['org:invoices:pay', 'org:invoices:read']);
      expect((await server.get('/v1/organizations/globex-corp')).body.name).toBe('Globex Corp');

      // The fixed ids work everywhere an id does: a session into org_acme as user_alice.
      const token = await server.createToken({ user_id: 'user_alice', organization_id: 'org_acme' });
      const jwt = (await server.accept(token.token)).jwt;
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({
        sub: 'user_alice',
        role: 'owner',
        o: { id: 'org_acme', slg: 'acme', rol: 'admin' },
      });

      const before = await snapshot();
      server.clock.advance(60_000);
      const second = await apply(DOCUMENT);
      expect(second.status, second.text).toBe(200);
      expect(second.body.unchanged).toEqual({
        permissions: 2,
        roles: 1,
        users: 3,
        organizations: 2,
        memberships: 3,
      });
      expect(second.body.created).toEqual({
        permissions: 0,
        roles: 0,
        users: 0,
        organizations: 0,
        memberships: 0,
      });
      expect(second.body.updated).toEqual({
        permissions: 0,
        roles: 0,
        users: 0,
        organizations: 0,
        memberships: 0,
      });
      const after = await snapshot();
      // updated_at included: nothing was written.
      expect({ ...after, template: { ...after.template, updated_at: 0 } }).toEqual({
        ...before,
        template: { ...before.template, updated_at: 0 },
      });
    });

    it('brings changed entries up to date and says which', async () => {
      const changed = structuredClone(DOCUMENT) as Json;
      changed.users[0].public_metadata = { role: 'admin' };
      changed.users[0].password = 'another password';
      changed.organizations[0].members[1].role = 'org:member';
      changed.roles[0].permissions = ['org:invoices:read'];
      const reply = await apply(changed);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.updated).toEqual({
        permissions: 0,
        roles: 1,
        users: 1,
        organizations: 0,
        memberships: 1,
      });
      expect((await server.get('/v1/users/user_alice')).body.public_metadata).toEqual({ role: 'admin' });
      expect(
        (await server.post('/v1/users/user_alice/verify_password', { password: 'another password' })).status,
      ).toBe(200);
      expect((await apply(changed)).body.updated).toEqual({
        permissions: 0,
        roles: 0,
        users: 0,
        organizations: 0,
        memberships: 0,
      });
    });

    it.each([
      [{ users: [{ email_address: ['not an email'] }] }, 'users[0].email_address[0]'],
      [{ users: [{ id: 'usr_x' }] }, 'users[0].id'],
      [{ users: [{ username: 'dave' }, { username: 'erin', colour: 'red' }] }, 'users[1].colour'],
      [{ users: [{ username: 'dave', password: 'short' }] }, 'users[0].password'],
      [
        {
          users: [{ username: 'dave' }],
          organizations: [{ name: 'X', members: [{ user: 'nobody@x.test', role: 'org:member' }] }],
        },
        'organizations[0].members[0].user',
      ],
      [
        {
          users: [{ username: 'dave' }],
          organizations: [{ name: 'X', members: [{ user: 'dave', role: 'org:wizard' }] }],
        },
        'organizations[0].members[0].role',
      ],
      [
        { users: [{ username: 'dave' }, { username: 'DAVE', email_address: ['x@y.test'] }] },
        'users[1].username',
      ],
      [{ roles: [{ key: 'org:r', name: 'R', permissions: ['org:no:such'] }] }, 'roles[0].permissions[0]'],
      [
        { users: [{ username: 'dave' }], session_token_template: { claims: { sub: 'x' } } },
        'session_token_template.claims.sub',
      ],
    ])('refuses a bad document atomically, naming the entry: %j', async (document, param) => {
      const before = await snapshot();
      const reply = await apply(document);
      expect(reply.status).toBe(422);
      expectError(reply, 422, reply.body.errors[0].code, param);
      expect(await snapshot()).toEqual(before);
    });

    it('startTessera applies a seed before it listens, and refuses a bad one naming the field', async () => {
      const seeded = await start({ seed: { users: [{ id: 'user_seeded', username: 'seeded' }] } });
      try {
        expect((await seeded.get('/v1/users/user_seeded')).body.username).toBe('seeded');
      } finally {
        await seeded.close();
      }
      await expect(start({ seed: { users: [{ id: 'user_x', email_address: ['nope'] }] } })).rejects.toThrow(
        /^seed: users\[0\]\.email_address\[0\]/,
      );
      await expect(start({ sessionClaims: { iss: 'me' } })).rejects.toThrow(/^sessionClaims: claims\.iss/);
    });
  });
}

onEveryDatabase('fixtures', suite);
