import {
  DeletedObject,
  FixturesResult,
  JwtTemplate,
  Organization,
  OrganizationMembership,
  OrganizationPermission,
  OrganizationRole,
  ResponseValidationError,
  SessionTokenTemplate,
} from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import {
  fixturesResultJSON,
  JWT_TEMPLATE_ID,
  jwtTemplateJSON,
  MEMBERSHIP_ID,
  membershipJSON,
  ORGANIZATION_ID,
  organizationJSON,
  PERMISSION_ID,
  permissionJSON,
  ROLE_ID,
  roleJSON,
  sessionTokenTemplateJSON,
  USER_ID,
} from './support/wire-fixtures';

function refusal(run: () => unknown): ResponseValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseValidationError) return error;
    throw error;
  }
  throw new Error('expected a ResponseValidationError');
}

const organization = {
  object: 'organization',
  id: ORGANIZATION_ID,
  name: 'Acme',
  slug: 'acme',
  imageUrl: null,
  hasImage: false,
  membersCount: null,
  pendingInvitationsCount: null,
  maxAllowedMemberships: 0,
  adminDeleteEnabled: true,
  publicMetadata: { plan: 'pro', nested_key: { keep_me: true } },
  privateMetadata: {},
  createdBy: USER_ID,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_001,
};

const permission = {
  object: 'permission',
  id: PERMISSION_ID,
  key: 'org:invoices:read',
  name: 'Read invoices',
  description: '',
  type: 'user',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

describe('fromJSON maps every field by name, frozen', () => {
  it('Organization (counts null unless asked for)', () => {
    const value = Organization.fromJSON(organizationJSON());
    expect(value).toEqual(organization);
    expect(Object.isFrozen(value)).toBe(true);
    expect(
      Organization.fromJSON(organizationJSON({ members_count: 2, pending_invitations_count: 0 })),
    ).toMatchObject({
      membersCount: 2,
      pendingInvitationsCount: 0,
    });
  });

  it('OrganizationMembership, with its organization and user', () => {
    const value = OrganizationMembership.fromJSON(membershipJSON());
    expect(value).toEqual({
      object: 'organization_membership',
      id: MEMBERSHIP_ID,
      role: 'org:accountant',
      roleName: 'Accountant',
      permissions: ['org:invoices:read', 'org:sys_memberships:read'],
      publicMetadata: { team: 'billing' },
      privateMetadata: {},
      organization,
      publicUserData: {
        userId: USER_ID,
        identifier: 'ada@example.com',
        firstName: 'Ada',
        lastName: null,
        imageUrl: 'https://img.test/ada.png',
        hasImage: false,
      },
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_003,
    });
    expect(Object.isFrozen(value.publicUserData) && Object.isFrozen(value.permissions)).toBe(true);
  });

  it('OrganizationRole and OrganizationPermission', () => {
    expect(OrganizationPermission.fromJSON(permissionJSON())).toEqual(permission);
    const role = OrganizationRole.fromJSON(roleJSON());
    expect(role).toEqual({
      object: 'role',
      id: ROLE_ID,
      key: 'org:accountant',
      name: 'Accountant',
      description: null,
      permissions: [permission],
      isCreatorEligible: false,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_002,
    });
    expect(Object.isFrozen(role.permissions[0])).toBe(true);
  });

  it('JwtTemplate, SessionTokenTemplate, FixturesResult', () => {
    expect(JwtTemplate.fromJSON(jwtTemplateJSON())).toEqual({
      object: 'jwt_template',
      id: JWT_TEMPLATE_ID,
      name: 'supabase',
      claims: { role: 'authenticated', user_email: '{{user.primary_email_address}}' },
      lifetime: 60,
      allowedClockSkew: 5,
      customSigningKey: false,
      signingAlgorithm: 'RS256',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    expect(SessionTokenTemplate.fromJSON(sessionTokenTemplateJSON())).toEqual({
      object: 'session_token_template',
      claims: { plan: '{{org.public_metadata.plan}}' },
      updatedAt: 1_700_000_000_000,
    });
    const result = FixturesResult.fromJSON(fixturesResultJSON());
    expect(result.created).toEqual({ permissions: 1, roles: 1, users: 1, organizations: 1, memberships: 1 });
    expect(Object.isFrozen(result.unchanged)).toBe(true);
  });

  it('DeletedObject, of each kind', () => {
    for (const [object, id] of [
      ['user', USER_ID],
      ['organization', ORGANIZATION_ID],
      ['organization', 'org_acme'],
      ['role', ROLE_ID],
      ['permission', PERMISSION_ID],
      ['jwt_template', JWT_TEMPLATE_ID],
    ]) {
      expect(DeletedObject.fromJSON({ object, id, deleted: true })).toEqual({ object, id, deleted: true });
    }
    expect(refusal(() => DeletedObject.fromJSON({ object: 'role', id: USER_ID, deleted: true })).path).toBe(
      'id',
    );
    expect(
      refusal(() => DeletedObject.fromJSON({ object: 'session', id: USER_ID, deleted: true })).path,
    ).toBe('object');
  });
});

describe('fromJSON refuses a malformed reply, naming the resource and the field', () => {
  it.each([
    ['Organization', 'slug', () => Organization.fromJSON(organizationJSON({ slug: 7 }))],
    ['Organization', 'members_count', () => Organization.fromJSON(organizationJSON({ members_count: -1 }))],
    [
      'OrganizationMembership',
      'organization.id',
      () =>
        OrganizationMembership.fromJSON(membershipJSON({ organization: organizationJSON({ id: 'user_1' }) })),
    ],
    [
      'OrganizationMembership',
      'public_user_data.user_id',
      () => OrganizationMembership.fromJSON(membershipJSON({ public_user_data: {} })),
    ],
    [
      'OrganizationRole',
      'permissions[0].type',
      () => OrganizationRole.fromJSON(roleJSON({ permissions: [permissionJSON({ type: 'x' })] })),
    ],
    [
      'OrganizationPermission',
      'object',
      () => OrganizationPermission.fromJSON(permissionJSON({ object: 'role' })),
    ],
    ['JwtTemplate', 'claims', () => JwtTemplate.fromJSON(jwtTemplateJSON({ claims: [] }))],
    [
      'SessionTokenTemplate',
      'updated_at',
      () => SessionTokenTemplate.fromJSON(sessionTokenTemplateJSON({ updated_at: 'x' })),
    ],
    [
      'FixturesResult',
      'created.permissions',
      () => FixturesResult.fromJSON(fixturesResultJSON({ created: {} })),
    ],
  ])('%s, at %s', (resource, path, run) => {
    expect(refusal(run)).toMatchObject({ code: 'response_invalid', resource, path });
  });
});
