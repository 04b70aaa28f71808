import { createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, FakeClock, type Json, jwtKeyOf, type TestServer } from './support/tessera';

const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

function suite(database: string, start: StartServer) {
  describe(`custom session claims and JWT templates on ${database}`, () => {
    let server: TestServer;
    let alice: Json;
    let acme: Json;

    beforeAll(async () => {
      server = await start({ clock: new FakeClock(Date.now()) });
      alice = await server.createUser({
        email_address: ['alice@acme.test'],
        username: 'alice',
        first_name: 'Alice',
        last_name: 'Liddell',
        public_metadata: { role: 'owner', plan: { tier: 'pro' } },
        private_metadata: { secret: 'never in a JWT' },
      });
      acme = (
        await server.post('/v1/organizations', {
          name: 'Acme',
          slug: 'acme',
          created_by: alice.id,
          public_metadata: { region: 'eu' },
        })
      ).body;
    });
    afterAll(() => server.close());

    const put = (claims: Json) => server.call('PUT', '/v1/session_token_template', { body: { claims } });

    it('renders every shortcode into every session JWT', async () => {
      const template = {
        role: '{{user.public_metadata.role}}',
        tier: '{{user.public_metadata.plan.tier}}',
        plan: '{{user.public_metadata.plan}}',
        missing: '{{user.public_metadata.nope}}',
        fallback: "{{user.public_metadata.nope || 'member'}}",
        greeting: 'Hi {{user.first_name}} ({{user.username}})!',
        user: {
          id: '{{user.id}}',
          external_id: '{{user.external_id}}',
          first_name: '{{user.first_name}}',
          last_name: '{{user.last_name}}',
          full_name: '{{user.full_name}}',
          email: '{{user.primary_email_address}}',
          email_verified: '{{user.email_verified}}',
          image_url: '{{user.image_url}}',
          has_image: '{{user.has_image}}',
          unsafe: '{{user.unsafe_metadata}}',
          created_at: '{{user.created_at}}',
          updated_at: '{{user.updated_at}}',
          last_sign_in_at: '{{user.last_sign_in_at}}',
          two_factor_enabled: '{{user.two_factor_enabled}}',
          password_enabled: '{{user.password_enabled}}',
        },
        org: {
          id: '{{org.id}}',
          name: '{{org.name}}',
          slug: '{{org.slug}}',
          image_url: '{{org.image_url}}',
          has_image: '{{org.has_image}}',
          region: '{{org.public_metadata.region}}',
          meta: '{{org.public_metadata}}',
          role: '{{org_membership.role}}',
          permissions: '{{org_membership.permissions}}',
          membership: '{{org_membership.public_metadata}}',
        },
        session: ['{{session.id}}', '{{session.actor}}'],
        literal: 42,
      };
      const set = await put(template);
      expect(set.status, set.text).toBe(200);
      expect((await server.get('/v1/session_token_template')).body.claims).toEqual(template);

      const token = await server.createToken({ user_id: alice.id, organization_id: acme.id });
      const { jwt, session } = await server.accept(token.token);
      const claims = claimsOf(jwt);
      const seconds = (ms: number) => Math.floor(ms / 1000);
      expect(claims).toMatchObject({
        role: 'owner',
        tier: 'pro',
        plan: { tier: 'pro' },
        missing: null,
        fallback: 'member',
        greeting: 'Hi Alice (alice)!',
        user: {
          id: alice.id,
          external_id: null,
          first_name: 'Alice',
          last_name: 'Liddell',
          full_name: 'Alice Liddell',
          email: 'alice@acme.test',
          email_verified: true,
          image_url: null,
          has_image: false,
          unsafe: {},
          created_at: seconds(alice.created_at),
          updated_at: seconds(alice.updated_at),
          last_sign_in_at: seconds(server.clock.t),
          two_factor_enabled: false,
          password_enabled: false,
        },
        org: {
          id: acme.id,
          name: 'Acme',
          slug: 'acme',
          image_url: null,
          has_image: false,
          region: 'eu',
          meta: { region: 'eu' },
          role: 'org:admin',
          membership: {},
        },
        session: [session.id, { sub: token.id, type: 'test_session_token' }],
        literal: 42,
        sub: alice.id,
        o: { id: acme.id, slg: 'acme', rol: 'admin' },
      });
      expect(claims.org.permissions).toContain('org:sys_memberships:manage');
      expect(JSON.stringify(claims)).not.toContain('never in a JWT');
      // Without an organization, org shortcodes are null.
      const plain = claimsOf(
        (await server.accept((await server.createToken({ user_id: alice.id })).token)).jwt,
      );
      expect(plain.org.slug).toBeNull();
      expect(plain.o).toBeUndefined();
      expect((await put({})).body.claims).toEqual({});
    });

    it('refuses a reserved claim, an unknown shortcode and private metadata, naming the claim', async () => {
      expectError(await put({ sub: 'someone' }), 422, 'form_param_value_invalid', 'claims.sub');
      expectError(await put({ o: {} }), 422, 'form_param_value_invalid', 'claims.o');
      expectError(
        await put({ x: '{{user.private_metadata.secret}}' }),
        422,
        'form_param_value_invalid',
        'claims.x',
      );
      expectError(
        await put({ a: { b: ['{{user.shoe_size}}'] } }),
        422,
        'form_param_value_invalid',
        'claims.a.b[0]',
      );
      expectError(await put({ x: '{{ not a shortcode }}' }), 422, 'form_param_value_invalid', 'claims.x');
      expect((await server.get('/v1/session_token_template')).body.claims).toEqual({});
    });

    it('a test session token carries claims for its one session, over the template', async () => {
      await put({ role: '{{user.public_metadata.role}}', team: 'blue' });
      const token = await server.createToken({
        user_id: alice.id,
        organization_id: acme.id,
        claims: { role: 'auditor', feature_flags: ['beta'], org_slug_copy: '{{org.slug}}' },
      });
      const claims = claimsOf((await server.accept(token.token)).jwt);
      expect(claims).toMatchObject({
        role: 'auditor',
        team: 'blue',
        feature_flags: ['beta'],
        org_slug_copy: 'acme',
      });
      expectError(
        await server.post('/v1/test_session_tokens', { user_id: alice.id, claims: { sid: 'x' } }),
        422,
        'form_param_value_invalid',
        'claims.sid',
      );
      expectError(
        await server.post('/v1/test_session_tokens', {
          user_id: alice.id,
          claims: { big: 'x'.repeat(3000) },
        }),
        422,
        'form_param_value_invalid',
        'claims',
      );
      await put({});
    });

    it('JWT templates: create, list, update, delete; a token from one verifies with @clerk/backend', async () => {
      const created = await server.post('/v1/jwt_templates', {
        name: 'supabase',
        claims: {
          aud: 'authenticated',
          role: 'authenticated',
          email: '{{user.primary_email_address}}',
          org: '{{org.slug}}',
        },
        lifetime: 120,
      });
      expect(created.status, created.text).toBe(200);
      expect(created.body).toMatchObject({
        object: 'jwt_template',
        name: 'supabase',
        lifetime: 120,
        allowed_clock_skew: 5,
        custom_signing_key: false,
        signing_algorithm: 'RS256',
      });
      expect(created.body.id).toMatch(/^jtmp_/);
      expectError(
        await server.post('/v1/jwt_templates', { name: 'supabase', claims: {} }),
        422,
        'form_identifier_exists',
        'name',
      );
      expectError(
        await server.post('/v1/jwt_templates', { name: 'bad', claims: { iss: 'me' } }),
        422,
        'form_param_value_invalid',
        'claims.iss',
      );
      // A template JWT must never pass for a session's: the session-only claims are reserved too.
      for (const claim of ['sid', 'sts', 'act', 'o']) {
        expectError(
          await server.post('/v1/jwt_templates', { name: 'bad', claims: { [claim]: '{{session.id}}' } }),
          422,
          'form_param_value_invalid',
          `claims.${claim}`,
        );
      }
      expectError(
        await server.post('/v1/jwt_templates', { name: 'bad', claims: {}, custom_signing_key: true }),
        422,
        'form_param_value_invalid',
        'custom_signing_key',
      );
      const listed = await server.get('/v1/jwt_templates?paginated=true');
      expect(listed.body.total_count).toBe(1);

      const token = await server.createToken({ user_id: alice.id, organization_id: acme.id });
      const { session } = await server.accept(token.token);
      const clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
      const { jwt } = await clerk.sessions.getToken(session.id, 'supabase');
      const claims = claimsOf(jwt);
      const iat = Math.floor(server.clock.t / 1000);
      expect(claims).toMatchObject({
        aud: 'authenticated',
        role: 'authenticated',
        email: 'alice@acme.test',
        org: 'acme',
        sub: alice.id,
        iss: server.tessera.publicUrl,
        iat,
        nbf: iat - 5,
        exp: iat + 120,
      });
      expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
      expect(claims.sid).toBeUndefined();
      const jwtKey = await jwtKeyOf(server);
      expect((await verifyToken(jwt, { jwtKey })).email).toBe('alice@acme.test');

      const shorter = await clerk.sessions.getToken(session.id, 'supabase', 45);
      expect(claimsOf(shorter.jwt).exp - claimsOf(shorter.jwt).iat).toBe(45);

      const updated = await server.patch(`/v1/jwt_templates/${created.body.id}`, {
        claims: { plan: '{{user.public_metadata.plan.tier}}' },
      });
      expect(updated.status, updated.text).toBe(200);
      expect(claimsOf((await clerk.sessions.getToken(session.id, 'supabase')).jwt).plan).toBe('pro');

      expectError(
        await server.post(`/v1/sessions/${session.id}/tokens/nope`, {}),
        404,
        'jwt_template_not_found',
        'template_name',
      );
      await server.post(`/v1/sessions/${session.id}/revoke`);
      expectError(
        await server.post(`/v1/sessions/${session.id}/tokens/supabase`, {}),
        400,
        'session_not_active',
      );

      expect((await server.del(`/v1/jwt_templates/${created.body.id}`)).body).toEqual({
        object: 'jwt_template',
        id: created.body.id,
        deleted: true,
      });
      expectError(await server.get(`/v1/jwt_templates/${created.body.id}`), 404, 'resource_not_found');
    });
  });
}

onEveryDatabase('custom claims and JWT templates', suite);
