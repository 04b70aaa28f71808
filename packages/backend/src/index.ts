/**
 * `@tessera/backend`: the typed tessera Backend API client, networkless session verification, and
 * browser sessions carried to an app's own origin.
 * Web-platform APIs only (`fetch`, `crypto.subtle`, `TextEncoder`); a `node:crypto` fast path is
 * selected by the `"node"` export condition.
 */

export type {
  ActorTokensApi,
  CreateActorTokenParams,
  ListActorTokensParams,
} from './api/actor-tokens';
export type {
  AgentTaskOnBehalfOf,
  AgentTasksApi,
  CreateAgentTaskParams,
  ListAgentTasksParams,
} from './api/agent-tasks';
export type { AuditEventsApi, ListAuditEventsParams } from './api/audit-events';
export type { CreateOptions } from './api/common';
export type { CrudApi } from './api/crud';
export type { FixturesApi, FixturesDocument } from './api/fixtures';
export type { JwksApi } from './api/jwks';
export type {
  CreateJwtTemplateParams,
  JwtTemplatesApi,
  ListJwtTemplatesParams,
  UpdateJwtTemplateParams,
} from './api/jwt-templates';
export type {
  CreateOrganizationMembershipParams,
  ListOrganizationMembershipsParams,
  ListUserOrganizationMembershipsParams,
  OrganizationMembershipMetadataParams,
  OrganizationMembershipsApi,
  UpdateOrganizationMembershipParams,
} from './api/organization-memberships';
export type {
  CreateOrganizationPermissionParams,
  ListOrganizationPermissionsParams,
  OrganizationPermissionsApi,
  UpdateOrganizationPermissionParams,
} from './api/organization-permissions';
export type {
  CreateOrganizationRoleParams,
  ListOrganizationRolesParams,
  OrganizationRolesApi,
  UpdateOrganizationRoleParams,
} from './api/organization-roles';
export type {
  CreateOrganizationParams,
  GetOrganizationParams,
  ListOrganizationsParams,
  OrganizationMetadataParams,
  OrganizationsApi,
  UpdateOrganizationParams,
} from './api/organizations';
export type { SessionTokenTemplateApi, SetSessionTokenTemplateParams } from './api/session-token-template';
export type {
  CreateSessionParams,
  GetSessionTokenParams,
  ListSessionsParams,
  SessionsApi,
} from './api/sessions';
export type {
  CreateSignInTokenParams,
  ListSignInTokensParams,
  SignInTokensApi,
} from './api/sign-in-tokens';
export type {
  CreateTestSessionTokenParams,
  ListTestSessionTokensParams,
  TestSessionTokensApi,
} from './api/test-session-tokens';
export type { TestingTokensApi } from './api/testing-tokens';
export type { TicketApi } from './api/tickets';
export type {
  CountUsersParams,
  CreateUserParams,
  ListUsersParams,
  UpdateUserParams,
  UserMetadataParams,
  UsersApi,
} from './api/users';
export {
  type AuthenticateRequestOptions,
  type AuthState,
  authenticateRequest,
  authFromClaims,
  type SignedInAuthState,
  type SignedOutAuthState,
} from './auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from './auth/cookies';
export type { HasParams } from './auth/has';
export type { OrganizationAuth } from './auth/organization';
export type {
  BrowserSessionOptions,
  BrowserSessionResult,
  SignOutRefusal,
  SignOutResult,
} from './browser/browser-session';
export { handleBrowserSession, signOutBrowserSession } from './browser/web-request';
export { type BackendApiClient, createBackendApiClient } from './client/create-client';
export type { BackendApiClientOptions } from './client/options';
export {
  ApiConnectionError,
  type ApiErrorDetail,
  ApiResponseError,
  ConfigurationError,
  ResponseValidationError,
  TesseraError,
  TOKEN_VERIFICATION_REASONS,
  TokenVerificationError,
  type TokenVerificationReason,
} from './errors';
export type { ConnectionOptions } from './internal/connection';
export { ActorToken } from './resources/actor-token';
export { AgentTask } from './resources/agent-task';
export { type AuditActor, AuditEvent } from './resources/audit-event';
export { DeletedObject, type DeletedObjectKind } from './resources/deleted-object';
export { EmailAddress, type Verification } from './resources/email-address';
export { type FixtureCounts, FixturesResult } from './resources/fixtures-result';
export { JwtTemplate } from './resources/jwt-template';
export {
  type Jwk,
  Jwks,
  type PaginatedList,
  SessionWithToken,
  TicketAcceptance,
  Token,
} from './resources/misc';
export { Organization } from './resources/organization';
export {
  OrganizationMembership,
  type OrganizationMembershipPublicUserData,
} from './resources/organization-membership';
export { OrganizationPermission } from './resources/organization-permission';
export { OrganizationRole } from './resources/organization-role';
export type { JsonObject } from './resources/read-wire';
export { Session } from './resources/session';
export { SessionHandoff, SessionRefresh } from './resources/session-handoff';
export { SessionTokenTemplate } from './resources/session-token-template';
export { SignInToken } from './resources/sign-in-token';
export { TestSessionToken } from './resources/test-session-token';
export { TestingToken } from './resources/testing-token';
export type { IssuedTicket, TicketFields } from './resources/ticket';
export { User } from './resources/user';
export type { ActorClaim, OrganizationClaim, SessionClaims } from './verify/claims';
export type { VerifyTokenOptions } from './verify/options';
export { verifyToken } from './verify/verify-token';
export { SDK_VERSION } from './version';
