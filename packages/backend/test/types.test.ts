import {
  type ActorToken,
  type AgentTask,
  type ApiErrorDetail,
  type ApiResponseError,
  type AuditEvent,
  type AuthState,
  authenticateRequest,
  authFromClaims,
  type BackendApiClient,
  type BackendApiClientOptions,
  type BrowserSessionOptions,
  type BrowserSessionResult,
  createBackendApiClient,
  type DeletedObject,
  type FixturesResult,
  type HasParams,
  handleBrowserSession,
  type IssuedTicket,
  type JwtTemplate,
  type Organization,
  type OrganizationMembership,
  type OrganizationPermission,
  type OrganizationRole,
  type PaginatedList,
  type REFRESH_COOKIE,
  type SESSION_COOKIE,
  type Session,
  type SessionClaims,
  type SessionHandoff,
  type SessionRefresh,
  type SessionTokenTemplate,
  type SignedInAuthState,
  type SignedOutAuthState,
  type SignInToken,
  type SignOutRefusal,
  type SignOutResult,
  signOutBrowserSession,
  type TestingToken,
  type TestSessionToken,
  TestSessionToken as TestSessionTokenResource,
  type TicketAcceptance,
  type TokenVerificationReason,
  type User,
  type VerifyTokenOptions,
  verifyToken,
} from '@tessera/backend';
import * as expressAdapter from '@tessera/backend/express';
import * as fastifyAdapter from '@tessera/backend/fastify';
import * as honoAdapter from '@tessera/backend/hono';
import type {
  ActorTokenJSON,
  AgentTaskJSON,
  AuditEventJSON,
  JwtTemplateJSON,
  OrganizationJSON,
  OrganizationMembershipJSON,
  PermissionJSON,
  RoleJSON,
  SessionHandoffJSON,
  SessionJSON,
  SessionRefreshJSON,
  SessionTokenTemplateJSON,
  SignInTokenJSON,
  TestingTokenJSON,
  TestSessionTokenJSON,
  UserJSON,
} from '@tessera/wire';
import type express from 'express';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import type { CamelCase } from '../src/internal/case';

type CamelKeys<T> = CamelCase<keyof T & string>;

describe('public signatures', () => {
  it('createBackendApiClient', () => {
    expectTypeOf(createBackendApiClient)
      .parameter(0)
      .toHaveProperty('secretKey')
      .toEqualTypeOf<string | undefined>();
    expectTypeOf(createBackendApiClient).returns.toEqualTypeOf<BackendApiClient>();
  });

  it('testSessionTokens', () => {
    type Api = BackendApiClient['testSessionTokens'];
    expectTypeOf<Api['create']>().returns.toEqualTypeOf<Promise<IssuedTicket<TestSessionToken>>>();
    expectTypeOf<Api['list']>().returns.toEqualTypeOf<Promise<PaginatedList<TestSessionToken>>>();
    expectTypeOf<Api['accept']>().parameters.toEqualTypeOf<[token: string]>();
    expectTypeOf<Awaited<ReturnType<Api['accept']>>>().toExtend<{ session: Session; jwt: string }>();
    // create's reply is the one that holds the ticket: accept takes its token as it is
    expectTypeOf<Awaited<ReturnType<Api['create']>>['token']>().toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<Api['create']>>['url']>().toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<Api['get']>>['token']>().toEqualTypeOf<string | null>();
    // exactly one of userId / identifier
    expectTypeOf<{ userId: string }>().toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ identifier: string }>().toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ userId: string; identifier: string }>().not.toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ sessionMaxDurationInSeconds: number }>().not.toExtend<Parameters<Api['create']>[0]>();
  });

  it('signInTokens, actorTokens, agentTasks: the shared ticket methods', () => {
    for (const kind of ['signInTokens', 'actorTokens', 'agentTasks', 'testSessionTokens'] as const) {
      expectTypeOf<BackendApiClient[typeof kind]['accept']>().parameters.toEqualTypeOf<[token: string]>();
      expectTypeOf<BackendApiClient[typeof kind]['accept']>().returns.toEqualTypeOf<
        Promise<TicketAcceptance>
      >();
    }
    type SignIn = BackendApiClient['signInTokens'];
    expectTypeOf<SignIn['create']>().returns.toEqualTypeOf<Promise<IssuedTicket<SignInToken>>>();
    expectTypeOf<SignIn['get']>().returns.toEqualTypeOf<Promise<SignInToken>>();
    expectTypeOf<SignIn['revoke']>().returns.toEqualTypeOf<Promise<SignInToken>>();
    expectTypeOf<SignIn['list']>().returns.toEqualTypeOf<Promise<PaginatedList<SignInToken>>>();
    expectTypeOf<{ userId: string }>().toExtend<Parameters<SignIn['create']>[0]>();
    expectTypeOf<{ identifier: string }>().not.toExtend<Parameters<SignIn['create']>[0]>();

    type Actor = BackendApiClient['actorTokens'];
    expectTypeOf<Actor['create']>().returns.toEqualTypeOf<Promise<IssuedTicket<ActorToken>>>();
    expectTypeOf<Actor['list']>().returns.toEqualTypeOf<Promise<PaginatedList<ActorToken>>>();
    expectTypeOf<{ userId: string; actor: { sub: string; anyKey: number } }>().toExtend<
      Parameters<Actor['create']>[0]
    >();
    expectTypeOf<{ userId: string; actor: { name: string } }>().not.toExtend<
      Parameters<Actor['create']>[0]
    >();

    type Agent = BackendApiClient['agentTasks'];
    type AgentParams = Parameters<Agent['create']>[0];
    expectTypeOf<Agent['create']>().returns.toEqualTypeOf<Promise<IssuedTicket<AgentTask>>>();
    expectTypeOf<Agent['list']>().returns.toEqualTypeOf<Promise<PaginatedList<AgentTask>>>();
    const task = {
      permissions: '*',
      agentName: 'bot',
      taskDescription: 'do it',
      redirectUrl: 'http://localhost:3000/',
    } as const;
    expectTypeOf<typeof task & { onBehalfOf: { userId: string } }>().toExtend<AgentParams>();
    expectTypeOf<typeof task & { onBehalfOf: { identifier: string } }>().toExtend<AgentParams>();
    expectTypeOf<
      typeof task & { onBehalfOf: { userId: string; identifier: string } }
    >().not.toExtend<AgentParams>();
    expectTypeOf<typeof task & { onBehalfOf: { user_id: string } }>().not.toExtend<AgentParams>();
    expectTypeOf<AgentParams['permissions']>().toEqualTypeOf<'*'>();
  });

  it('testingTokens and auditEvents', () => {
    type Testing = BackendApiClient['testingTokens'];
    expectTypeOf<Testing['create']>().returns.toEqualTypeOf<Promise<TestingToken>>();
    expectTypeOf<Parameters<Testing['create']>>().toEqualTypeOf<[]>();
    type Audit = BackendApiClient['auditEvents'];
    expectTypeOf<Audit['list']>().returns.toEqualTypeOf<Promise<PaginatedList<AuditEvent>>>();
    expectTypeOf<NonNullable<Parameters<Audit['list']>[0]>['createdAfter']>().toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf<AuditEvent['actor']>().toExtend<{
      readonly type: string;
      readonly id: string | null;
      readonly name: string | null;
    }>();
  });

  it('users and sessions', () => {
    type Users = BackendApiClient['users'];
    expectTypeOf<Users['count']>().returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf<Users['get']>().returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf<Parameters<Users['create']>[0]>().toHaveProperty('emailAddress');
    expectTypeOf<Parameters<Users['update']>[1]['lastName']>().toEqualTypeOf<string | null | undefined>();
    type Sessions = BackendApiClient['sessions'];
    expectTypeOf<Awaited<ReturnType<Sessions['getToken']>>>().toEqualTypeOf<{
      readonly object: 'token';
      readonly jwt: string;
    }>();
  });

  it('sessions: end, redeemHandoff, refresh', () => {
    type Sessions = BackendApiClient['sessions'];
    expectTypeOf<Sessions['end']>().parameters.toEqualTypeOf<[sessionId: string]>();
    expectTypeOf<Sessions['end']>().returns.toEqualTypeOf<Promise<Session>>();
    expectTypeOf<Sessions['redeemHandoff']>().parameters.toEqualTypeOf<[handoff: string]>();
    expectTypeOf<Sessions['redeemHandoff']>().returns.toEqualTypeOf<Promise<SessionHandoff>>();
    expectTypeOf<Sessions['refresh']>().parameters.toEqualTypeOf<[refreshToken: string]>();
    expectTypeOf<Sessions['refresh']>().returns.toEqualTypeOf<Promise<SessionRefresh>>();
    expectTypeOf<keyof SessionHandoff>().toEqualTypeOf<CamelKeys<SessionHandoffJSON>>();
    expectTypeOf<keyof SessionRefresh>().toEqualTypeOf<CamelKeys<SessionRefreshJSON>>();
    expectTypeOf<SessionHandoff['session']>().toEqualTypeOf<Session>();
    expectTypeOf<SessionHandoff['object']>().toEqualTypeOf<'session_handoff'>();
    expectTypeOf<SessionRefresh['object']>().toEqualTypeOf<'session_refresh'>();
  });

  it('browser sessions', () => {
    expectTypeOf(handleBrowserSession).parameters.toEqualTypeOf<
      [request: Request, options?: BrowserSessionOptions]
    >();
    expectTypeOf(handleBrowserSession).returns.toEqualTypeOf<Promise<BrowserSessionResult>>();
    expectTypeOf<BrowserSessionResult>().toEqualTypeOf<{
      readonly auth: AuthState;
      readonly setCookies: string[];
      readonly redirectTo: string | null;
    }>();
    expectTypeOf(signOutBrowserSession).parameters.toEqualTypeOf<
      [request: Request, options?: BrowserSessionOptions]
    >();
    expectTypeOf(signOutBrowserSession).returns.toEqualTypeOf<Promise<SignOutResult>>();
    expectTypeOf<SignOutResult['setCookies']>().toEqualTypeOf<string[]>();
    expectTypeOf<NonNullable<SignOutResult['refused']>['status']>().toEqualTypeOf<403 | 405>();
    expectTypeOf<SignOutResult['refused']>().toEqualTypeOf<SignOutRefusal | null>();
    expectTypeOf<BrowserSessionOptions['secretKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<typeof SESSION_COOKIE>().toEqualTypeOf<'__session'>();
    expectTypeOf<typeof REFRESH_COOKIE>().toEqualTypeOf<'__tessera_refresh'>();
  });

  it('adapters: signOut() handlers fit their framework', () => {
    expectTypeOf(expressAdapter.signOut).returns.toExtend<
      (req: express.Request, res: express.Response) => Promise<void>
    >();
    expectTypeOf(expressAdapter.withAuth).returns.toExtend<
      (req: express.Request, res: express.Response, next: express.NextFunction) => Promise<void>
    >();
    expectTypeOf(honoAdapter.signOut).returns.toEqualTypeOf<(c: Context) => Promise<Response>>();
    expectTypeOf(fastifyAdapter.signOut).returns.toEqualTypeOf<
      (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>
    >();
    expectTypeOf(expressAdapter.signOut)
      .parameter(0)
      .toExtend<{ redirectTo?: string | undefined } | undefined>();
    expectTypeOf<typeof expressAdapter.SESSION_COOKIE>().toEqualTypeOf<'__session'>();
  });

  it('resources: literal discriminants and unions, readonly, camelCase of exactly the wire keys', () => {
    expectTypeOf<TestSessionToken['object']>().toEqualTypeOf<'test_session_token'>();
    expectTypeOf<TestSessionToken['status']>().toEqualTypeOf<'pending' | 'accepted' | 'revoked'>();
    expectTypeOf<Session['status']>().toEqualTypeOf<'active' | 'revoked' | 'ended' | 'expired'>();
    expectTypeOf<keyof TestSessionToken>().toEqualTypeOf<CamelKeys<TestSessionTokenJSON>>();
    expectTypeOf<keyof Session>().toEqualTypeOf<CamelKeys<SessionJSON>>();
    expectTypeOf<keyof User>().toEqualTypeOf<CamelKeys<UserJSON>>();
    expectTypeOf<keyof SignInToken>().toEqualTypeOf<CamelKeys<SignInTokenJSON>>();
    expectTypeOf<keyof ActorToken>().toEqualTypeOf<CamelKeys<ActorTokenJSON>>();
    expectTypeOf<keyof AgentTask>().toEqualTypeOf<CamelKeys<AgentTaskJSON>>();
    expectTypeOf<keyof TestingToken>().toEqualTypeOf<CamelKeys<TestingTokenJSON>>();
    expectTypeOf<keyof AuditEvent>().toEqualTypeOf<CamelKeys<AuditEventJSON>>();
    expectTypeOf<SignInToken['object']>().toEqualTypeOf<'sign_in_token'>();
    expectTypeOf<ActorToken['object']>().toEqualTypeOf<'actor_token'>();
    expectTypeOf<AgentTask['object']>().toEqualTypeOf<'agent_task'>();
    expectTypeOf<AgentTask['status']>().toEqualTypeOf<TestSessionToken['status']>();
    expectTypeOf<AuditEvent['type']>().toExtend<string>();
    expectTypeOf<'ticket.accepted'>().toExtend<AuditEvent['type']>();
    expectTypeOf(TestSessionTokenResource.fromJSON).parameters.toEqualTypeOf<[json: unknown]>();
    expectTypeOf(TestSessionTokenResource.fromJSON).returns.toEqualTypeOf<TestSessionToken>();
    const mutate = (token: TestSessionToken) => {
      // @ts-expect-error resources are readonly
      token.status = 'revoked';
    };
    expectTypeOf(mutate).toBeFunction();
  });

  it('errors', () => {
    expectTypeOf<ApiResponseError['errors']>().toEqualTypeOf<readonly ApiErrorDetail[]>();
    expectTypeOf<ApiResponseError['retryAfter']>().toEqualTypeOf<number | null>();
    expectTypeOf<'token-expired'>().toExtend<TokenVerificationReason>();
  });

  it('verification', () => {
    expectTypeOf(verifyToken).returns.toEqualTypeOf<Promise<SessionClaims>>();
    // A JWT made from a JWT template verifies too and has no sid; a signed-in state always has one.
    expectTypeOf<SessionClaims['sid']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SignedInAuthState['claims']['sid']>().toEqualTypeOf<string>();
    expectTypeOf<SignedInAuthState['sessionId']>().toEqualTypeOf<string>();
    expectTypeOf(authenticateRequest).parameters.toExtend<[Request, object]>();
    expectTypeOf(authenticateRequest).returns.toEqualTypeOf<Promise<AuthState>>();
    const narrow = (auth: AuthState) => {
      if (auth.isSignedIn) expectTypeOf(auth.userId).toEqualTypeOf<string>();
      else expectTypeOf(auth.reason).toEqualTypeOf<TokenVerificationReason>();
    };
    expectTypeOf(narrow).toBeFunction();
  });
});

describe('organizations, roles, templates', () => {
  it('the namespaces answer their resources; deletes name their kind', () => {
    type Client = BackendApiClient;
    expectTypeOf<Client['organizations']['get']>().returns.toEqualTypeOf<Promise<Organization>>();
    expectTypeOf<Client['organizations']['getBySlug']>().returns.toEqualTypeOf<Promise<Organization>>();
    expectTypeOf<Client['organizations']['list']>().returns.toEqualTypeOf<
      Promise<PaginatedList<Organization>>
    >();
    expectTypeOf<Client['organizations']['delete']>().returns.toEqualTypeOf<
      Promise<DeletedObject<'organization'>>
    >();
    expectTypeOf<[string, { userId: string; role: string }]>().toExtend<
      Parameters<Client['organizationMemberships']['create']>
    >();
    expectTypeOf<Client['organizationMemberships']['delete']>().returns.toEqualTypeOf<
      Promise<OrganizationMembership>
    >();
    expectTypeOf<Client['organizationRoles']['assignPermission']>().returns.toEqualTypeOf<
      Promise<OrganizationRole>
    >();
    expectTypeOf<Client['organizationRoles']['delete']>().returns.toEqualTypeOf<
      Promise<DeletedObject<'role'>>
    >();
    expectTypeOf<Client['organizationPermissions']['get']>().returns.toEqualTypeOf<
      Promise<OrganizationPermission>
    >();
    expectTypeOf<Client['jwtTemplates']['update']>().returns.toEqualTypeOf<Promise<JwtTemplate>>();
    expectTypeOf<Client['sessionTokenTemplate']['get']>().returns.toEqualTypeOf<
      Promise<SessionTokenTemplate>
    >();
    expectTypeOf<Client['fixtures']['apply']>().returns.toEqualTypeOf<Promise<FixturesResult>>();
    expectTypeOf<DeletedObject['object']>().toEqualTypeOf<
      'user' | 'organization' | 'role' | 'permission' | 'jwt_template'
    >();
  });

  it('create parameters: organizationId on tickets, claims on test session tokens; the two forms of getToken', () => {
    type Create = Parameters<BackendApiClient['testSessionTokens']['create']>[0];
    expectTypeOf<{ userId: string; organizationId: string; claims: { a: number } }>().toExtend<Create>();
    expectTypeOf<Create['organizationId']>().toEqualTypeOf<string | undefined>();
    type SignIn = Parameters<BackendApiClient['signInTokens']['create']>[0];
    expectTypeOf<{ userId: string; organizationId: string }>().toExtend<SignIn>();
    type Sessions = BackendApiClient['sessions'];
    const getToken = (sessions: Sessions) => [
      sessions.getToken('sess_1'),
      sessions.getToken('sess_1', { expiresInSeconds: 30 }),
      sessions.getToken('sess_1', 'supabase'),
      sessions.getToken('sess_1', 'supabase', { expiresInSeconds: 30 }),
    ];
    expectTypeOf(getToken).returns.toEqualTypeOf<
      Promise<{ readonly object: 'token'; readonly jwt: string }>[]
    >();
  });

  it('resources are camelCase of exactly the wire keys', () => {
    expectTypeOf<keyof Organization>().toEqualTypeOf<CamelKeys<OrganizationJSON>>();
    expectTypeOf<keyof OrganizationMembership>().toEqualTypeOf<CamelKeys<OrganizationMembershipJSON>>();
    expectTypeOf<keyof OrganizationRole>().toEqualTypeOf<CamelKeys<RoleJSON>>();
    expectTypeOf<keyof OrganizationPermission>().toEqualTypeOf<CamelKeys<PermissionJSON>>();
    expectTypeOf<keyof JwtTemplate>().toEqualTypeOf<CamelKeys<JwtTemplateJSON>>();
    expectTypeOf<keyof SessionTokenTemplate>().toEqualTypeOf<CamelKeys<SessionTokenTemplateJSON>>();
    expectTypeOf<Organization['membersCount']>().toEqualTypeOf<number | null>();
    expectTypeOf<OrganizationPermission['type']>().toEqualTypeOf<'system' | 'user'>();
  });

  it('the auth state: the organization, has(), factorVerificationAge', () => {
    expectTypeOf<SignedInAuthState['orgId']>().toEqualTypeOf<string | null>();
    expectTypeOf<SignedInAuthState['orgPermissions']>().toEqualTypeOf<readonly string[] | null>();
    expectTypeOf<SignedInAuthState['factorVerificationAge']>().toEqualTypeOf<
      readonly [number, number] | null
    >();
    expectTypeOf<SignedInAuthState['has']>().toEqualTypeOf<(params: HasParams) => boolean>();
    expectTypeOf<SignedOutAuthState['orgId']>().toEqualTypeOf<null>();
    expectTypeOf<ReturnType<SignedOutAuthState['has']>>().toEqualTypeOf<false>();
    expectTypeOf<AuthState['has']>().parameter(0).toEqualTypeOf<HasParams>();
    expectTypeOf(authFromClaims).parameters.toEqualTypeOf<[claims: SessionClaims]>();
    expectTypeOf(authFromClaims).returns.toEqualTypeOf<SignedInAuthState>();
    expectTypeOf<{ role: string; permission: string }>().toExtend<HasParams>();
  });
});

describe('connection options', () => {
  it('the client and verifyToken declare secretKey, apiUrl, apiVersion and fetch alike', () => {
    type Shared = 'apiUrl' | 'apiVersion' | 'fetch';
    expectTypeOf<Pick<BackendApiClientOptions, Shared>>().toEqualTypeOf<Pick<VerifyTokenOptions, Shared>>();
    expectTypeOf<BackendApiClientOptions['secretKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VerifyTokenOptions['clockSkewMs']>().toEqualTypeOf<number | undefined>();
  });
});
