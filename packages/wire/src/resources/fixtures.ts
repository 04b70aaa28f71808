import { idSchema } from '../ids';
import { array, boolean, fields, type Infer, integer, literal, object, optional, string } from '../schema';
import { updateSessionTokenTemplateParams } from './claims';
import { createOrganizationParams } from './organization';
import { createPermissionParams, roleKeyParam } from './organization-role';
import { createUserParams } from './user';

/** A member of a fixture's organization: the user by id, email address or username, and a role. */
const fixtureMember = object({
  user: string({ minLength: 1, maxLength: 320, description: 'A user id, email address or username' }),
  role: roleKeyParam,
});

const fixtureRole = object({
  key: roleKeyParam,
  name: string({ minLength: 1, maxLength: 256, printable: true }),
  description: optional(string({ maxLength: 1024, printable: true })),
  permissions: optional(array(string({ maxLength: 200 }), { maxItems: 200 })),
});

/** A user of a fixture: what `POST /v1/users` takes, a fixed `id` if wanted, and banned or locked. */
const fixtureUser = object(
  fields(() => ({
    id: optional(idSchema('user')),
    ...createUserParams.shape,
    banned: optional(boolean()),
    locked: optional(boolean()),
  })),
);

const fixtureOrganization = object(
  fields(() => ({
    ...createOrganizationParams.shape,
    members: optional(array(fixtureMember, { maxItems: 1000 })),
  })),
);

/**
 * `POST /v1/fixtures` (and `tessera seed`): everything in one transaction, or nothing. Entries are
 * found by `id` when given, else a user by its first email address or username and an organization
 * by its slug; an entry that already matches is left as it is, so applying a file twice changes
 * nothing the second time.
 */
export const fixturesDocument = object({
  permissions: optional(array(createPermissionParams, { maxItems: 1000 })),
  roles: optional(array(fixtureRole, { maxItems: 1000 })),
  users: optional(array(fixtureUser, { maxItems: 10_000 })),
  organizations: optional(array(fixtureOrganization, { maxItems: 1000 })),
  session_token_template: optional(updateSessionTokenTemplateParams),
});

const counts = object({
  permissions: integer({ min: 0 }),
  roles: integer({ min: 0 }),
  users: integer({ min: 0 }),
  organizations: integer({ min: 0 }),
  memberships: integer({ min: 0 }),
});

export const fixturesResultObject = object({
  object: literal('fixtures_result'),
  created: counts,
  updated: counts,
  unchanged: counts,
});

export type FixturesDocument = Infer<typeof fixturesDocument>;
export type FixturesResultJSON = Infer<typeof fixturesResultObject>;
