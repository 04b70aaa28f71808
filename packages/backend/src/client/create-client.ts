import { type ActorTokensApi, createActorTokensApi } from '../api/actor-tokens';
import { type AgentTasksApi, createAgentTasksApi } from '../api/agent-tasks';
import { type AuditEventsApi, createAuditEventsApi } from '../api/audit-events';
import { createFixturesApi, type FixturesApi } from '../api/fixtures';
import { createJwksApi, type JwksApi } from '../api/jwks';
import { createJwtTemplatesApi, type JwtTemplatesApi } from '../api/jwt-templates';
import {
  createOrganizationMembershipsApi,
  type OrganizationMembershipsApi,
} from '../api/organization-memberships';
import {
  createOrganizationPermissionsApi,
  type OrganizationPermissionsApi,
} from '../api/organization-permissions';
import { createOrganizationRolesApi, type OrganizationRolesApi } from '../api/organization-roles';
import { createOrganizationsApi, type OrganizationsApi } from '../api/organizations';
import { createSessionTokenTemplateApi, type SessionTokenTemplateApi } from '../api/session-token-template';
import { createSessionsApi, type SessionsApi } from '../api/sessions';
import { createSignInTokensApi, type SignInTokensApi } from '../api/sign-in-tokens';
import { createTestSessionTokensApi, type TestSessionTokensApi } from '../api/test-session-tokens';
import { createTestingTokensApi, type TestingTokensApi } from '../api/testing-tokens';
import { createUsersApi, type UsersApi } from '../api/users';
import { type BackendApiClientOptions, resolveClientOptions } from './options';
import { createRequester } from './request';

/**
 * The typed Backend API client.
 *
 * @example
 * ```ts
 * const client: BackendApiClient = createBackendApiClient({ secretKey: process.env.TESSERA_SECRET_KEY });
 * await client.users.count();
 * ```
 */
export interface BackendApiClient {
  readonly testSessionTokens: TestSessionTokensApi;
  readonly signInTokens: SignInTokensApi;
  readonly actorTokens: ActorTokensApi;
  readonly agentTasks: AgentTasksApi;
  readonly testingTokens: TestingTokensApi;
  readonly auditEvents: AuditEventsApi;
  readonly users: UsersApi;
  readonly sessions: SessionsApi;
  readonly jwks: JwksApi;
  readonly organizations: OrganizationsApi;
  readonly organizationMemberships: OrganizationMembershipsApi;
  readonly organizationRoles: OrganizationRolesApi;
  readonly organizationPermissions: OrganizationPermissionsApi;
  readonly jwtTemplates: JwtTemplatesApi;
  readonly sessionTokenTemplate: SessionTokenTemplateApi;
  readonly fixtures: FixturesApi;
}

/**
 * Creates a Backend API client. Throws a `ConfigurationError` at once if an option is missing or
 * malformed (naming it, never echoing the secret).
 *
 * @example
 * ```ts
 * import { createBackendApiClient } from '@tessera/backend';
 *
 * const client = createBackendApiClient({ secretKey: process.env.TESSERA_SECRET_KEY });
 * const user = await client.users.create({ emailAddress: ['ada@example.com'] });
 * const token = await client.testSessionTokens.create({ userId: user.id, sessionMaxDurationInSeconds: 1800 });
 * token.url; // open it in a browser: signed in
 * ```
 */
export function createBackendApiClient(options: BackendApiClientOptions): BackendApiClient {
  const request = createRequester(resolveClientOptions(options));
  return Object.freeze({
    testSessionTokens: createTestSessionTokensApi(request),
    signInTokens: createSignInTokensApi(request),
    actorTokens: createActorTokensApi(request),
    agentTasks: createAgentTasksApi(request),
    testingTokens: createTestingTokensApi(request),
    auditEvents: createAuditEventsApi(request),
    users: createUsersApi(request),
    sessions: createSessionsApi(request),
    jwks: createJwksApi(request),
    organizations: createOrganizationsApi(request),
    organizationMemberships: createOrganizationMembershipsApi(request),
    organizationRoles: createOrganizationRolesApi(request),
    organizationPermissions: createOrganizationPermissionsApi(request),
    jwtTemplates: createJwtTemplatesApi(request),
    sessionTokenTemplate: createSessionTokenTemplateApi(request),
    fixtures: createFixturesApi(request),
  });
}
