import { __experimental_JWTPayloadToAuthObjectProperties as clerkParse } from '@clerk/shared/jwtPayloadParser';
import {
  ApiResponseError,
  authenticateRequest,
  authFromClaims,
  type BackendApiClient,
  createBackendApiClient,
  type Organization,
  type OrganizationRole,
  type User,
  verifyToken,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/adapter-apps';

// Organizations, roles, permissions, custom claims and JWT templates through the SDK against the real
// server (ephemeral port, in-memory SQLite), down to what verifyToken, authenticateRequest and the
// three adapters make of the session JWT.
let tessera: RunningTessera;
let client: BackendApiClient;
let jwksUrl: string;

let owner: User;
let ada: User;
let acme: Organization;
let accountant: OrganizationRole;

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an ApiResponseError');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof ApiResponseError)) throw error;
  return error;
}

const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

beforeAll(async () => {
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  client = createBackendApiClient({ secretKey: tessera.secretKey!, apiUrl: tessera.url });
  jwksUrl = `${tessera.url}/.well-known/jwks.json`;

  for (const [key, name] of [
    ['org:invoices:read', 'Read invoices'],
    ['org:invoices:pay', 'Pay invoices'],
    ['org:reports:read', 'Read reports'],
  ]) {
    await client.organizationPermissions.create({ key: key!, name: name! });
  }
  accountant = await client.organizationRoles.create({
    key: 'org:accountant',
    name: 'Accountant',
    permissions: ['org:invoices:read', 'org:invoices:pay'],
  });
  owner = await client.users.create({ emailAddress: ['owner@acme.test'] });
  ada = await client.users.create({ emailAddress: ['ada@acme.test'], firstName: 'Ada' });
  acme = await client.organizations.create({ name: 'Acme', slug: 'acme', createdBy: owner.id });
  await client.organizationMemberships.create(acme.id, {
    userId: ada.id,
    role: 'org:accountant',
    publicMetadata: { team: 'billing' },
  });
});

afterAll(async () => {
  await tessera?.close();
});

describe('a session in an organization, verified', () => {
  let jwt: string;
  let sessionId: string;

  beforeAll(async () => {
    await client.sessionTokenTemplate.set({ claims: { email: '{{user.primary_email_address}}' } });
    const token = await client.testSessionTokens.create({
      userId: ada.id,
      organizationId: acme.id,
      claims: { team: '{{org_membership.public_metadata.team}}', beta: true },
    });
    expect(token.organizationId).toBe(acme.id);
    ({
      jwt,
      session: { id: sessionId },
    } = await client.testSessionTokens.accept(token.token!));
  });

  afterAll(async () => {
    await client.sessionTokenTemplate.set({ claims: {} });
  });

  it('verifyToken: the o, fea and fva claims and the custom claims; authFromClaims decodes them', async () => {
    const claims = await verifyToken(jwt, { jwksUrl, issuer: tessera.url });
    expect(claims).toMatchObject({
      sub: ada.id,
      o: { id: acme.id, slg: 'acme', rol: 'accountant', per: 'pay,read', fpm: '3' },
      fea: 'o:invoices',
      fva: [0, -1],
      email: 'ada@acme.test',
      team: 'billing',
      beta: true,
    });
    const auth = authFromClaims(claims);
    expect(auth).toMatchObject({
      userId: ada.id,
      orgId: acme.id,
      orgRole: 'org:accountant',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:pay', 'org:invoices:read'],
      factorVerificationAge: [0, -1],
    });
    expect(auth.has({ permission: 'org:invoices:pay' })).toBe(true);
    expect(auth.has({ role: 'org:accountant', permission: 'invoices:read' })).toBe(true);
    expect(auth.has({ permission: 'org:reports:read' })).toBe(false);
    expect(auth.has({ role: 'org:admin' })).toBe(false);
    expect(auth.has({ permission: 'org:sys_memberships:read' })).toBe(false);

    const clerk = clerkParse(claims as unknown as Parameters<typeof clerkParse>[0]);
    expect(clerk).toMatchObject({
      orgId: auth.orgId,
      orgRole: auth.orgRole,
      orgSlug: auth.orgSlug,
      orgPermissions: auth.orgPermissions,
      factorVerificationAge: auth.factorVerificationAge,
    });
  });

  it('authenticateRequest and every adapter answer the same organization', async () => {
    const expected = {
      orgId: acme.id,
      orgRole: 'org:accountant',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:pay', 'org:invoices:read'],
      factorVerificationAge: [0, -1],
    };
    const request = new Request('https://app.test/', { headers: { Authorization: `Bearer ${jwt}` } });
    const auth = await authenticateRequest(request, { jwksUrl });
    expect(auth).toMatchObject({ isSignedIn: true, ...expected });
    expect(auth.has({ permission: 'org:invoices:pay' })).toBe(true);

    for (const adapter of ADAPTERS) {
      const app = await adapter.serve({ jwksUrl });
      try {
        const response = await fetch(`${app.origin}/api/org`, {
          headers: { Authorization: `Bearer ${jwt}` },
        });
        expect(response.status, adapter.name).toBe(200);
        expect(await response.json(), adapter.name).toEqual({ ...expected, canPay: true, isAdmin: false });
      } finally {
        await app.close();
      }
    }
  });

  it('a new role shows in the next JWT; a removed member gets none of the organization', async () => {
    await client.organizationMemberships.update(acme.id, ada.id, { role: 'org:admin' });
    const promoted = authFromClaims(
      await verifyToken((await client.sessions.getToken(sessionId)).jwt, { jwksUrl }),
    );
    expect(promoted).toMatchObject({ orgRole: 'org:admin', orgPermissions: [] });
    expect(promoted.has({ role: 'admin' })).toBe(true);
    expect(promoted.has({ permission: 'org:invoices:pay' })).toBe(false);
    await client.organizationMemberships.update(acme.id, ada.id, { role: 'org:accountant' });
  });

  it('a JWT template renders its claims for the session', async () => {
    const template = await client.jwtTemplates.create({
      name: 'warehouse',
      claims: { uid: '{{user.id}}', org: '{{org.slug}}', role: '{{org_membership.role}}' },
      lifetime: 120,
    });
    expect(template).toMatchObject({
      object: 'jwt_template',
      name: 'warehouse',
      lifetime: 120,
      allowedClockSkew: 5,
    });
    const { jwt: templated } = await client.sessions.getToken(sessionId, 'warehouse');
    const payload = payloadOf(templated);
    expect(payload).toMatchObject({ sub: ada.id, uid: ada.id, org: 'acme', role: 'org:accountant' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    const short = payloadOf(
      (await client.sessions.getToken(sessionId, 'warehouse', { expiresInSeconds: 30 })).jwt,
    );
    expect((short.exp as number) - (short.iat as number)).toBe(30);

    expect((await client.jwtTemplates.get(template.id)).name).toBe('warehouse');
    expect((await client.jwtTemplates.update(template.id, { lifetime: 60 })).lifetime).toBe(60);
    expect((await client.jwtTemplates.list()).data.map((t) => t.name)).toContain('warehouse');
    expect(await client.jwtTemplates.delete(template.id)).toEqual({
      object: 'jwt_template',
      id: template.id,
      deleted: true,
    });
    expect((await apiError(client.sessions.getToken(sessionId, 'warehouse'))).code).toBe(
      'jwt_template_not_found',
    );
  });

  it('the session token template reads back as set', async () => {
    expect(await client.sessionTokenTemplate.get()).toMatchObject({
      object: 'session_token_template',
      claims: { email: '{{user.primary_email_address}}' },
      updatedAt: expect.any(Number),
    });
  });
});

describe('organizations', () => {
  it('get by id and by slug, list, update and metadata', async () => {
    expect((await client.organizations.get(acme.id)).membersCount).toBeNull();
    expect((await client.organizations.getBySlug('acme', { includeMembersCount: true })).membersCount).toBe(
      2,
    );
    const page = await client.organizations.list({ userId: [ada.id], includeMembersCount: true });
    expect(page).toMatchObject({ totalCount: 1, data: [{ id: acme.id, membersCount: 2 }] });

    const renamed = await client.organizations.update(acme.id, {
      name: 'Acme Inc.',
      maxAllowedMemberships: 10,
    });
    expect(renamed).toMatchObject({ name: 'Acme Inc.', slug: 'acme', maxAllowedMemberships: 10 });
    await client.organizations.updateMetadata(acme.id, {
      publicMetadata: { plan: 'pro', limits: { seats: 5 } },
    });
    const merged = await client.organizations.updateMetadata(acme.id, {
      publicMetadata: { limits: { storage: 1 }, plan: null },
    });
    expect(merged.publicMetadata).toEqual({ limits: { seats: 5, storage: 1 } });
    const replaced = await client.organizations.replaceMetadata(acme.id, { publicMetadata: { tier: 1 } });
    expect(replaced.publicMetadata).toEqual({ tier: 1 });

    const other = await client.organizations.create({ name: 'Other Co' });
    expect(other.slug).toMatch(/^other-co/);
    expect(await client.organizations.delete(other.id)).toEqual({
      object: 'organization',
      id: other.id,
      deleted: true,
    });
    expect((await apiError(client.organizations.get(other.id))).status).toBe(404);
  });

  it('memberships: list by organization, by user and instance-wide; metadata; removal', async () => {
    const members = await client.organizationMemberships.list(acme.id, { role: ['org:accountant'] });
    expect(members.data.map((m) => m.publicUserData.userId)).toEqual([ada.id]);
    expect(members.data[0]).toMatchObject({
      role: 'org:accountant',
      roleName: 'Accountant',
      organization: { id: acme.id },
      publicUserData: { identifier: 'ada@acme.test', firstName: 'Ada' },
    });
    expect(members.data[0]?.permissions).toEqual(
      expect.arrayContaining(['org:invoices:pay', 'org:invoices:read']),
    );
    expect((await client.organizationMemberships.listForUser(owner.id)).data[0]?.role).toBe('org:admin');
    expect((await client.organizationMemberships.listAll()).totalCount).toBeGreaterThanOrEqual(2);
    expect((await client.users.list({ organizationId: [acme.id] })).totalCount).toBe(2);

    const noted = await client.organizationMemberships.updateMetadata(acme.id, ada.id, {
      privateMetadata: { note: 'x' },
    });
    expect(noted).toMatchObject({ publicMetadata: { team: 'billing' }, privateMetadata: { note: 'x' } });

    const temp = await client.users.create({ emailAddress: ['temp@acme.test'] });
    await client.organizationMemberships.create(acme.id, { userId: temp.id, role: 'org:member' });
    const removed = await client.organizationMemberships.delete(acme.id, temp.id);
    expect(removed).toMatchObject({ object: 'organization_membership', publicUserData: { userId: temp.id } });
    const refused = await apiError(
      client.testSessionTokens.create({ userId: temp.id, organizationId: acme.id }),
    );
    expect(refused.code).toBe('not_a_member_in_organization');
  });

  it('roles and permissions: defaults, system permissions, assign and remove, update and delete', async () => {
    const roles = await client.organizationRoles.list({ limit: 100 });
    expect(roles.data.map((role) => role.key)).toEqual(expect.arrayContaining(['org:admin', 'org:member']));
    const permissions = await client.organizationPermissions.list({ limit: 100 });
    expect(permissions.data.some((p) => p.type === 'system' && p.key.startsWith('org:sys_'))).toBe(true);

    const reports = permissions.data.find((p) => p.key === 'org:reports:read')!;
    const withReports = await client.organizationRoles.assignPermission(accountant.id, reports.id);
    expect(withReports.permissions.map((p) => p.key)).toContain('org:reports:read');
    const without = await client.organizationRoles.removePermission(accountant.id, reports.id);
    expect(without.permissions.map((p) => p.key)).not.toContain('org:reports:read');

    const auditor = await client.organizationRoles.create({ key: 'org:auditor', name: 'Auditor' });
    expect((await client.organizationRoles.update(auditor.id, { description: 'Reads' })).description).toBe(
      'Reads',
    );
    expect(await client.organizationRoles.delete(auditor.id)).toEqual({
      object: 'role',
      id: auditor.id,
      deleted: true,
    });
    const admin = roles.data.find((role) => role.key === 'org:admin')!;
    expect((await apiError(client.organizationRoles.delete(admin.id))).code).toBe('default_role_undeletable');

    const scratch = await client.organizationPermissions.create({ key: 'org:scratch:use', name: 'Scratch' });
    expect((await client.organizationPermissions.update(scratch.id, { name: 'Scratch pad' })).name).toBe(
      'Scratch pad',
    );
    expect((await client.organizationPermissions.get(scratch.id)).key).toBe('org:scratch:use');
    expect((await client.organizationPermissions.delete(scratch.id)).deleted).toBe(true);
  });
});

describe('fixtures', () => {
  it('apply creates what is missing and, applied again, changes nothing', async () => {
    const document = {
      permissions: [{ key: 'org:tickets:close', name: 'Close tickets' }],
      roles: [{ key: 'org:support', name: 'Support', permissions: ['org:tickets:close'] }],
      users: [{ id: 'user_grace', email_address: ['grace@globex.test'] }],
      organizations: [
        {
          id: 'org_globex',
          name: 'Globex',
          slug: 'globex',
          members: [{ user: 'user_grace', role: 'org:support' }],
        },
      ],
    };
    const first = await client.fixtures.apply(document);
    expect(first.created).toMatchObject({
      permissions: 1,
      roles: 1,
      users: 1,
      organizations: 1,
      memberships: 1,
    });
    const again = await client.fixtures.apply(document);
    expect(again.created).toEqual({ permissions: 0, roles: 0, users: 0, organizations: 0, memberships: 0 });
    expect(again.unchanged).toMatchObject({ users: 1, organizations: 1 });

    const token = await client.testSessionTokens.create({
      userId: 'user_grace',
      organizationId: 'org_globex',
    });
    const { jwt } = await client.testSessionTokens.accept(token.token!);
    const auth = authFromClaims(await verifyToken(jwt, { jwksUrl }));
    expect(auth).toMatchObject({
      orgId: 'org_globex',
      orgRole: 'org:support',
      orgPermissions: ['org:tickets:close'],
    });
  });
});
