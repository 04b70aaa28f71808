import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { FakeClock, type TestServer } from './support/tessera';

/** The official client, unmodified, against tessera: organizations, members, roles, permissions, templates. */
function suite(database: string, start: StartServer) {
  describe(`@clerk/backend organizations and JWT templates on ${database}`, () => {
    let server: TestServer;
    let clerk: ReturnType<typeof createClerkClient>;
    beforeAll(async () => {
      server = await start({ clock: new FakeClock(Date.now()) });
      clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
    });
    afterAll(() => server.close());

    it('creates, reads, lists, updates and deletes organizations', async () => {
      const owner = await clerk.users.createUser({
        emailAddress: ['owner@initech.test'],
        password: 'correct horse 1',
      });
      const org = await clerk.organizations.createOrganization({
        name: 'Initech',
        slug: 'initech',
        createdBy: owner.id,
        publicMetadata: { plan: 'pro' },
      });
      expect(org).toMatchObject({
        name: 'Initech',
        slug: 'initech',
        createdBy: owner.id,
        publicMetadata: { plan: 'pro' },
      });
      const bySlug = await clerk.organizations.getOrganization({
        slug: 'initech',
        includeMembersCount: true,
      });
      expect(bySlug.id).toBe(org.id);
      expect(bySlug.membersCount).toBe(1);
      const list = await clerk.organizations.getOrganizationList({ query: 'inite' });
      expect(list.totalCount).toBe(1);
      expect(list.data[0]?.id).toBe(org.id);
      const renamed = await clerk.organizations.updateOrganization(org.id, { name: 'Initech LLC' });
      expect(renamed.name).toBe('Initech LLC');
      const merged = await clerk.organizations.updateOrganizationMetadata(org.id, {
        publicMetadata: { seats: 10 },
        privateMetadata: { crm: 'x' },
      });
      expect(merged.publicMetadata).toEqual({ plan: 'pro', seats: 10 });
      expect(merged.privateMetadata).toEqual({ crm: 'x' });
      const replaced = await clerk.organizations.replaceOrganizationMetadata(org.id, {
        publicMetadata: { plan: 'free' },
      });
      expect(replaced.publicMetadata).toEqual({ plan: 'free' });

      const permission = await clerk.organizationPermissions.createOrganizationPermission({
        key: 'org:reports:read',
        name: 'Read reports',
      });
      const role = await clerk.organizationRoles.createOrganizationRole({
        key: 'org:analyst',
        name: 'Analyst',
        permissions: [permission.key],
      });
      expect(role.permissions.map((p) => p.key)).toEqual(['org:reports:read']);
      const roles = await clerk.organizationRoles.getOrganizationRoleList({});
      expect(roles.data.map((r) => r.key).sort()).toEqual(['org:admin', 'org:analyst', 'org:member']);

      const member = await clerk.users.createUser({
        emailAddress: ['milton@initech.test'],
        skipPasswordRequirement: true,
      });
      const membership = await clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: member.id,
        role: 'org:analyst',
      });
      expect(membership.role).toBe('org:analyst');
      expect(membership.permissions).toEqual(['org:reports:read']);
      expect(membership.organization.id).toBe(org.id);
      expect(membership.publicUserData?.userId).toBe(member.id);
      expect(membership.publicUserData?.identifier).toBe('milton@initech.test');

      const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
      expect(members.totalCount).toBe(2);
      const mine = await clerk.users.getOrganizationMembershipList({ userId: member.id });
      expect(mine.data.map((m) => m.organization.slug)).toEqual(['initech']);
      const changed = await clerk.organizations.updateOrganizationMembership({
        organizationId: org.id,
        userId: member.id,
        role: 'org:member',
      });
      expect(changed.role).toBe('org:member');
      const meta = await clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: member.id,
        publicMetadata: { desk: 'basement' },
      });
      expect(meta.publicMetadata).toEqual({ desk: 'basement' });
      await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: member.id });
      expect(
        (await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id })).totalCount,
      ).toBe(1);

      await clerk.organizationRoles.deleteOrganizationRole(role.id);
      await clerk.organizations.deleteOrganization(org.id);
      await expect(clerk.organizations.getOrganization({ organizationId: org.id })).rejects.toMatchObject({
        status: 404,
      });
    });

    it('manages JWT templates and gets a token from one', async () => {
      const template = await clerk.jwtTemplates.create({
        name: 'hasura',
        claims: { 'x-hasura-user-id': '{{user.id}}' },
      });
      expect(template).toMatchObject({ name: 'hasura', lifetime: 60, allowedClockSkew: 5 });
      const listed = await clerk.jwtTemplates.list();
      expect(listed.data.map((t) => t.name)).toEqual(['hasura']);
      const user = await clerk.users.createUser({
        emailAddress: ['t@x.test'],
        skipPasswordRequirement: true,
      });
      const session = await clerk.sessions.createSession({ userId: user.id });
      const { jwt } = await clerk.sessions.getToken(session.id, 'hasura');
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
      expect(claims['x-hasura-user-id']).toBe(user.id);
      await clerk.jwtTemplates.delete(template.id);
      expect((await clerk.jwtTemplates.list()).totalCount).toBe(0);
    });
  });
}

onEveryDatabase('@clerk/backend organizations', suite);
