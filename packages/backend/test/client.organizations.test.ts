import { ConfigurationError } from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import { clientWith, expectRequest } from './support/requests';
import {
  fixturesResultJSON,
  JWT_TEMPLATE_ID,
  jwtTemplateJSON,
  membershipJSON,
  ORGANIZATION_ID,
  organizationJSON,
  PERMISSION_ID,
  paginatedJSON,
  permissionJSON,
  ROLE_ID,
  roleJSON,
  SESSION_ID,
  sessionTokenTemplateJSON,
  testSessionTokenJSON,
  USER_ID,
} from './support/wire-fixtures';

// What each method of the organization, role, template and fixture namespaces sends, and that it maps
// the reply; the server's side of the same calls is in integration.organizations.test.ts.

describe('organizations', () => {
  it('create sends snake_case params (metadata keys as given) with an idempotency key', async () => {
    const { client, fake } = clientWith(organizationJSON());
    const organization = await client.organizations.create({
      name: 'Acme',
      slug: 'acme',
      createdBy: USER_ID,
      maxAllowedMemberships: 5,
      publicMetadata: { camelKey: 1 },
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/organizations',
      body: {
        name: 'Acme',
        slug: 'acme',
        created_by: USER_ID,
        max_allowed_memberships: 5,
        public_metadata: { camelKey: 1 },
      },
      idempotent: true,
    });
    expect(organization).toMatchObject({ object: 'organization', id: ORGANIZATION_ID, slug: 'acme' });
  });

  it('get by id or by slug, with includeMembersCount', async () => {
    const byId = clientWith(organizationJSON({ members_count: 3 }));
    expect(
      (await byId.client.organizations.get(ORGANIZATION_ID, { includeMembersCount: true })).membersCount,
    ).toBe(3);
    expectRequest(byId.fake, {
      method: 'GET',
      path: `/v1/organizations/${ORGANIZATION_ID}`,
      query: [['include_members_count', 'true']],
    });
    const bySlug = clientWith(organizationJSON());
    expect((await bySlug.client.organizations.getBySlug('acme-inc')).membersCount).toBeNull();
    expectRequest(bySlug.fake, { method: 'GET', path: '/v1/organizations/acme-inc' });
  });

  it('refuses a slug or an id that is not one before sending', async () => {
    const { client, fake } = clientWith(organizationJSON());
    await expect(client.organizations.getBySlug('Acme/../x')).rejects.toMatchObject({ option: 'slug' });
    await expect(client.organizations.get('org/1')).rejects.toBeInstanceOf(ConfigurationError);
    expect(fake.calls).toEqual([]);
  });

  it('list, update, delete, and metadata by merge and by replacement', async () => {
    const list = clientWith(paginatedJSON([organizationJSON()], 4));
    const page = await list.client.organizations.list({
      userId: [USER_ID],
      query: 'ac',
      includeMembersCount: true,
      orderBy: '-name',
    });
    expect(page.totalCount).toBe(4);
    expectRequest(list.fake, {
      method: 'GET',
      path: '/v1/organizations',
      query: [
        ['user_id', USER_ID],
        ['query', 'ac'],
        ['include_members_count', 'true'],
        ['order_by', '-name'],
        ['paginated', 'true'],
      ],
    });

    const update = clientWith(organizationJSON({ name: 'Acme Inc.' }));
    await update.client.organizations.update(ORGANIZATION_ID, {
      name: 'Acme Inc.',
      adminDeleteEnabled: false,
    });
    expectRequest(update.fake, {
      method: 'PATCH',
      path: `/v1/organizations/${ORGANIZATION_ID}`,
      body: { name: 'Acme Inc.', admin_delete_enabled: false },
    });

    const remove = clientWith({ object: 'organization', id: ORGANIZATION_ID, deleted: true });
    expect(await remove.client.organizations.delete(ORGANIZATION_ID)).toEqual({
      object: 'organization',
      id: ORGANIZATION_ID,
      deleted: true,
    });
    expectRequest(remove.fake, { method: 'DELETE', path: `/v1/organizations/${ORGANIZATION_ID}` });

    for (const [method, call] of [
      ['PATCH', 'updateMetadata'],
      ['PUT', 'replaceMetadata'],
    ] as const) {
      const { client, fake } = clientWith(organizationJSON());
      await client.organizations[call](ORGANIZATION_ID, {
        publicMetadata: { plan: null },
        privateMetadata: {},
      });
      expectRequest(fake, {
        method,
        path: `/v1/organizations/${ORGANIZATION_ID}/metadata`,
        body: { public_metadata: { plan: null }, private_metadata: {} },
      });
    }
  });

  it('a delete reply of another kind is refused', async () => {
    const { client } = clientWith({ object: 'user', id: USER_ID, deleted: true });
    await expect(client.organizations.delete(ORGANIZATION_ID)).rejects.toMatchObject({
      code: 'response_invalid',
      path: 'object',
    });
  });
});

describe('organizationMemberships', () => {
  const base = `/v1/organizations/${ORGANIZATION_ID}/memberships`;

  it('create, update, updateMetadata, delete: by organization id and user id', async () => {
    const create = clientWith(membershipJSON());
    const membership = await create.client.organizationMemberships.create(
      ORGANIZATION_ID,
      { userId: USER_ID, role: 'org:accountant', publicMetadata: { team: 'billing' } },
      { idempotencyKey: 'member-ada' },
    );
    expect(membership).toMatchObject({ role: 'org:accountant', publicUserData: { userId: USER_ID } });
    expectRequest(create.fake, {
      method: 'POST',
      path: base,
      body: { user_id: USER_ID, role: 'org:accountant', public_metadata: { team: 'billing' } },
      idempotent: 'member-ada',
    });

    const update = clientWith(membershipJSON({ role: 'org:admin' }));
    await update.client.organizationMemberships.update(ORGANIZATION_ID, USER_ID, { role: 'org:admin' });
    expectRequest(update.fake, { method: 'PATCH', path: `${base}/${USER_ID}`, body: { role: 'org:admin' } });

    const metadata = clientWith(membershipJSON());
    await metadata.client.organizationMemberships.updateMetadata(ORGANIZATION_ID, USER_ID, {
      privateMetadata: { note: 'x' },
    });
    expectRequest(metadata.fake, {
      method: 'PATCH',
      path: `${base}/${USER_ID}/metadata`,
      body: { private_metadata: { note: 'x' } },
    });

    const remove = clientWith(membershipJSON());
    expect((await remove.client.organizationMemberships.delete(ORGANIZATION_ID, USER_ID)).object).toBe(
      'organization_membership',
    );
    expectRequest(remove.fake, { method: 'DELETE', path: `${base}/${USER_ID}` });
  });

  it('list for an organization, for a user, and for the whole instance', async () => {
    const list = clientWith(paginatedJSON([membershipJSON()]));
    await list.client.organizationMemberships.list(ORGANIZATION_ID, {
      role: ['org:admin', 'org:member'],
      limit: 2,
    });
    expectRequest(list.fake, {
      method: 'GET',
      path: base,
      query: [
        ['role', 'org:admin'],
        ['role', 'org:member'],
        ['limit', '2'],
        ['paginated', 'true'],
      ],
    });

    const forUser = clientWith(paginatedJSON([membershipJSON()]));
    const page = await forUser.client.organizationMemberships.listForUser(USER_ID);
    expect(page.data[0]?.organization.slug).toBe('acme');
    expectRequest(forUser.fake, {
      method: 'GET',
      path: `/v1/users/${USER_ID}/organization_memberships`,
      query: [['paginated', 'true']],
    });

    const all = clientWith(paginatedJSON([]));
    await all.client.organizationMemberships.listAll({ offset: 10 });
    expectRequest(all.fake, {
      method: 'GET',
      path: '/v1/organization_memberships',
      query: [
        ['offset', '10'],
        ['paginated', 'true'],
      ],
    });
  });
});

describe('organizationRoles and organizationPermissions', () => {
  it('role CRUD, and assigning and removing a permission', async () => {
    const create = clientWith(roleJSON());
    await create.client.organizationRoles.create({
      key: 'org:accountant',
      name: 'Accountant',
      permissions: ['org:invoices:read'],
      includeInInitialRoleSet: false,
    });
    expectRequest(create.fake, {
      method: 'POST',
      path: '/v1/organization_roles',
      body: {
        key: 'org:accountant',
        name: 'Accountant',
        permissions: ['org:invoices:read'],
        include_in_initial_role_set: false,
      },
      idempotent: true,
    });

    const update = clientWith(roleJSON());
    await update.client.organizationRoles.update(ROLE_ID, { description: null });
    expectRequest(update.fake, {
      method: 'PATCH',
      path: `/v1/organization_roles/${ROLE_ID}`,
      body: { description: null },
    });

    for (const [method, call] of [
      ['POST', 'assignPermission'],
      ['DELETE', 'removePermission'],
    ] as const) {
      const { client, fake } = clientWith(roleJSON());
      expect((await client.organizationRoles[call](ROLE_ID, PERMISSION_ID)).key).toBe('org:accountant');
      expectRequest(fake, { method, path: `/v1/organization_roles/${ROLE_ID}/permissions/${PERMISSION_ID}` });
    }

    const remove = clientWith({ object: 'role', id: ROLE_ID, deleted: true });
    expect((await remove.client.organizationRoles.delete(ROLE_ID)).object).toBe('role');
    expectRequest(remove.fake, { method: 'DELETE', path: `/v1/organization_roles/${ROLE_ID}` });
  });

  it('permission CRUD', async () => {
    const list = clientWith(
      paginatedJSON([permissionJSON({ type: 'system', key: 'org:sys_profile:manage' })]),
    );
    const page = await list.client.organizationPermissions.list({ query: 'sys' });
    expect(page.data[0]?.type).toBe('system');
    expectRequest(list.fake, {
      method: 'GET',
      path: '/v1/organization_permissions',
      query: [
        ['query', 'sys'],
        ['paginated', 'true'],
      ],
    });

    const get = clientWith(permissionJSON());
    await get.client.organizationPermissions.get(PERMISSION_ID);
    expectRequest(get.fake, { method: 'GET', path: `/v1/organization_permissions/${PERMISSION_ID}` });

    const remove = clientWith({ object: 'permission', id: PERMISSION_ID, deleted: true });
    expect((await remove.client.organizationPermissions.delete(PERMISSION_ID)).deleted).toBe(true);
  });
});

describe('JWT templates and session tokens from them', () => {
  it('template CRUD', async () => {
    const create = clientWith(jwtTemplateJSON());
    await create.client.jwtTemplates.create({
      name: 'supabase',
      claims: { role: 'authenticated', nested_key: { camelCase: true } },
      lifetime: 120,
      allowedClockSkew: 10,
    });
    expectRequest(create.fake, {
      method: 'POST',
      path: '/v1/jwt_templates',
      body: {
        name: 'supabase',
        claims: { role: 'authenticated', nested_key: { camelCase: true } },
        lifetime: 120,
        allowed_clock_skew: 10,
      },
      idempotent: true,
    });

    const remove = clientWith({ object: 'jwt_template', id: JWT_TEMPLATE_ID, deleted: true });
    expect((await remove.client.jwtTemplates.delete(JWT_TEMPLATE_ID)).object).toBe('jwt_template');
    expectRequest(remove.fake, { method: 'DELETE', path: `/v1/jwt_templates/${JWT_TEMPLATE_ID}` });
  });

  it('sessions.getToken with and without a template name', async () => {
    const plain = clientWith({ object: 'token', jwt: 'a.b.c' });
    await plain.client.sessions.getToken(SESSION_ID, { expiresInSeconds: 30 });
    expectRequest(plain.fake, {
      method: 'POST',
      path: `/v1/sessions/${SESSION_ID}/tokens`,
      body: { expires_in_seconds: 30 },
    });

    const named = clientWith({ object: 'token', jwt: 'a.b.c' });
    expect((await named.client.sessions.getToken(SESSION_ID, 'supa-base_1')).jwt).toBe('a.b.c');
    expectRequest(named.fake, { method: 'POST', path: `/v1/sessions/${SESSION_ID}/tokens/supa-base_1` });

    const withLifetime = clientWith({ object: 'token', jwt: 'a.b.c' });
    await withLifetime.client.sessions.getToken(SESSION_ID, 'hasura', { expiresInSeconds: 300 });
    expectRequest(withLifetime.fake, {
      method: 'POST',
      path: `/v1/sessions/${SESSION_ID}/tokens/hasura`,
      body: { expires_in_seconds: 300 },
    });

    await expect(named.client.sessions.getToken(SESSION_ID, '')).rejects.toMatchObject({
      option: 'template',
    });
  });

  it('the session token template: get and set', async () => {
    const get = clientWith(sessionTokenTemplateJSON({ updated_at: null }));
    expect(await get.client.sessionTokenTemplate.get()).toEqual({
      object: 'session_token_template',
      claims: { plan: '{{org.public_metadata.plan}}' },
      updatedAt: null,
    });
    expectRequest(get.fake, { method: 'GET', path: '/v1/session_token_template' });

    const set = clientWith(sessionTokenTemplateJSON());
    await set.client.sessionTokenTemplate.set({ claims: { plan: '{{org.public_metadata.plan}}' } });
    expectRequest(set.fake, {
      method: 'PUT',
      path: '/v1/session_token_template',
      body: { claims: { plan: '{{org.public_metadata.plan}}' } },
    });
  });
});

describe('fixtures and the new create parameters', () => {
  it('fixtures.apply sends the document exactly as given', async () => {
    const document = {
      users: [{ id: 'user_ada', email_address: ['ada@example.com'], public_metadata: { camelKey: 1 } }],
      organizations: [{ id: 'org_acme', name: 'Acme', members: [{ user: 'user_ada', role: 'org:admin' }] }],
    };
    const { client, fake } = clientWith(fixturesResultJSON());
    const result = await client.fixtures.apply(document, { idempotencyKey: 'seed-1' });
    expect(result.created.users).toBe(1);
    expect(result.unchanged.memberships).toBe(2);
    expectRequest(fake, { method: 'POST', path: '/v1/fixtures', body: document, idempotent: 'seed-1' });
  });

  it('test session tokens take organizationId and claims (claims as given); users filter by organization', async () => {
    const { client, fake } = clientWith(testSessionTokenJSON({ organization_id: ORGANIZATION_ID }));
    const token = await client.testSessionTokens.create({
      userId: USER_ID,
      organizationId: ORGANIZATION_ID,
      claims: { feature_flags: ['beta'] },
    });
    expect(token.organizationId).toBe(ORGANIZATION_ID);
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/test_session_tokens',
      body: { user_id: USER_ID, organization_id: ORGANIZATION_ID, claims: { feature_flags: ['beta'] } },
      idempotent: true,
    });

    const users = clientWith(paginatedJSON([]));
    await users.client.users.list({ organizationId: [ORGANIZATION_ID] });
    expectRequest(users.fake, {
      method: 'GET',
      path: '/v1/users',
      query: [
        ['organization_id', ORGANIZATION_ID],
        ['paginated', 'true'],
      ],
    });
  });
});
