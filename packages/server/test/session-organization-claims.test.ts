import { createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, FakeClock, type Json, jwtKeyOf, type TestServer } from './support/tessera';

const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

function suite(database: string, start: StartServer) {
  describe(`the active organization in session JWTs on ${database}`, () => {
    let server: TestServer;
    let jwtKey: string;
    let alice: Json;
    let acme: Json;
    let role: Json;

    beforeAll(async () => {
      // @clerk/backend checks exp against the real time: the server's clock starts now.
      server = await start({ clock: new FakeClock(Date.now()) });
      jwtKey = await jwtKeyOf(server);
      alice = await server.createUser({
        email_address: ['alice@acme.test'],
        public_metadata: { role: 'owner' },
      });
      acme = (await server.post('/v1/organizations', { name: 'Acme', slug: 'acme', created_by: alice.id }))
        .body;
      for (const [key, name] of [
        ['org:invoices:read', 'Read invoices'],
        ['org:invoices:pay', 'Pay invoices'],
        ['org:reports:read', 'Read reports'],
      ]) {
        expect((await server.post('/v1/organization_permissions', { key, name })).status).toBe(200);
      }
      role = (
        await server.post('/v1/organization_roles', {
          key: 'org:accountant',
          name: 'Accountant',
          permissions: ['org:invoices:read', 'org:invoices:pay', 'org:reports:read'],
        })
      ).body;
    });
    afterAll(() => server.close());

    const signInto = async (organizationId: string, user = alice) => {
      const token = await server.createToken({ user_id: user.id, organization_id: organizationId });
      expect(token.organization_id).toBe(organizationId);
      return server.accept(token.token);
    };

    it('a session started into an organization carries o and fva, and records the organization', async () => {
      const { session, jwt } = await signInto(acme.id);
      expect(session.last_active_organization_id).toBe(acme.id);
      const claims = claimsOf(jwt);
      // An admin holds only system permissions, which no JWT carries.
      expect(claims.o).toEqual({ id: acme.id, slg: 'acme', rol: 'admin' });
      expect(claims.fea).toBeUndefined();
      expect(claims.fva).toEqual([0, -1]);
      expect(claims.v).toBe(2);
    });

    it('@clerk/backend reads orgId, orgRole, orgSlug and orgPermissions, and has() answers from them', async () => {
      const bob = await server.createUser({ username: 'bob' });
      expect(
        (
          await server.post(`/v1/organizations/${acme.id}/memberships`, {
            user_id: bob.id,
            role: 'org:accountant',
          })
        ).status,
      ).toBe(200);
      const { jwt } = await signInto(acme.id, bob);
      const claims = claimsOf(jwt);
      expect(claims.o).toEqual({ id: acme.id, slg: 'acme', rol: 'accountant', per: 'pay,read', fpm: '3,2' });
      expect(claims.fea).toBe('o:invoices,o:reports');

      const verified = await verifyToken(jwt, { jwtKey });
      expect(verified.sub).toBe(bob.id);

      const clerk = createClerkClient({
        secretKey: server.secretKey,
        publishableKey: server.tessera.publishableKey,
        apiUrl: server.tessera.url,
      });
      const state = await clerk.authenticateRequest(
        new Request('http://app.test/api', { headers: { authorization: `Bearer ${jwt}` } }),
        { jwtKey },
      );
      expect(state.isSignedIn).toBe(true);
      const auth = state.toAuth() as Json;
      expect(auth).toMatchObject({
        userId: bob.id,
        orgId: acme.id,
        orgRole: 'org:accountant',
        orgSlug: 'acme',
      });
      expect([...auth.orgPermissions].sort()).toEqual([
        'org:invoices:pay',
        'org:invoices:read',
        'org:reports:read',
      ]);
      expect(auth.has({ role: 'org:accountant' })).toBe(true);
      expect(auth.has({ permission: 'org:invoices:pay' })).toBe(true);
      expect(auth.has({ permission: 'org:reports:write' })).toBe(false);
      expect(auth.has({ role: 'org:admin' })).toBe(false);
    });

    it('a role or permission change reaches the next JWT; removal leaves no organization in it', async () => {
      const carol = await server.createUser({ username: 'carol' });
      await server.post(`/v1/organizations/${acme.id}/memberships`, {
        user_id: carol.id,
        role: 'org:member',
      });
      const { session, jwt } = await signInto(acme.id, carol);
      expect(claimsOf(jwt).o.rol).toBe('member');
      const next = async () => {
        const reply = await server.post(`/v1/sessions/${session.id}/tokens`, {});
        expect(reply.status, reply.text).toBe(200);
        return claimsOf(reply.body.jwt);
      };

      await server.patch(`/v1/organizations/${acme.id}/memberships/${carol.id}`, { role: 'org:accountant' });
      expect((await next()).o).toMatchObject({ rol: 'accountant', per: 'pay,read' });

      const pay = (await server.get('/v1/organization_permissions?query=invoices:pay&paginated=false'))
        .body[0];
      await server.del(`/v1/organization_roles/${role.id}/permissions/${pay.id}`);
      expect((await next()).o).toMatchObject({ per: 'read', fpm: '1,1' });
      await server.post(`/v1/organization_roles/${role.id}/permissions/${pay.id}`);

      await server.del(`/v1/organizations/${acme.id}/memberships/${carol.id}`);
      const after = await next();
      expect(after.o).toBeUndefined();
      expect(after.fea).toBeUndefined();
    });

    it('refuses a ticket into an organization the user is not in, or that does not exist, naming organization_id', async () => {
      const dave = await server.createUser({ username: 'dave' });
      expectError(
        await server.post('/v1/test_session_tokens', { user_id: dave.id, organization_id: acme.id }),
        422,
        'not_a_member_in_organization',
        'organization_id',
      );
      expectError(
        await server.post('/v1/sign_in_tokens', { user_id: dave.id, organization_id: 'org_unknown' }),
        404,
        'resource_not_found',
        'organization_id',
      );
      expectError(
        await server.post('/v1/test_session_tokens', { user_id: 'user_nobody', organization_id: acme.id }),
        404,
        'resource_not_found',
        'user_id',
      );
      expect((await server.get(`/v1/test_session_tokens?user_id=${dave.id}`)).body).toEqual([]);
    });

    it('every kind takes organization_id; a member removed before acceptance is refused', async () => {
      const erin = await server.createUser({ username: 'erin' });
      await server.post(`/v1/organizations/${acme.id}/memberships`, { user_id: erin.id, role: 'org:member' });
      for (const [path, extra] of [
        ['/v1/sign_in_tokens', {}],
        ['/v1/actor_tokens', { actor: { sub: 'user_support' } }],
        ['/v1/agents/tasks', { agent_name: 'bot', task_description: 'check', permissions: '*' }],
      ] as const) {
        const body =
          path === '/v1/agents/tasks'
            ? {
                on_behalf_of: { user_id: erin.id },
                organization_id: acme.id,
                redirect_url: `${server.tessera.url}/`,
                ...extra,
              }
            : { user_id: erin.id, organization_id: acme.id, ...extra };
        const created = await server.post(path, body);
        expect(created.status, `${path}: ${created.text}`).toBe(200);
        const accepted = await server.accept(created.body.token ?? created.body.url.split('ticket=')[1]);
        expect(claimsOf(accepted.jwt).o.id, path).toBe(acme.id);
      }
      const pending = await server.createToken({ user_id: erin.id, organization_id: acme.id });
      await server.del(`/v1/organizations/${acme.id}/memberships/${erin.id}`);
      const refused = await server.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false });
      expectError(refused, 422, 'not_a_member_in_organization', 'organization_id');
      expect((await server.get(`/v1/test_session_tokens/${pending.id}`)).body.status).toBe('pending');
    });
  });
}

onEveryDatabase('session organization claims', suite);
