import {
  type ApiErrorDetail,
  type ApiResponseError,
  type AuthState,
  authenticateRequest,
  type BackendApiClient,
  type BackendApiClientOptions,
  type BrowserSessionOptions,
  type BrowserSessionResult,
  createBackendApiClient,
  handleBrowserSession,
  type PaginatedList,
  type REFRESH_COOKIE,
  type SESSION_COOKIE,
  type Session,
  type SessionClaims,
  type SessionHandoff,
  type SessionRefresh,
  type SignOutRefusal,
  type SignOutResult,
  signOutBrowserSession,
  type TestSessionToken,
  TestSessionToken as TestSessionTokenResource,
  type TokenVerificationReason,
  type User,
  type VerifyTokenOptions,
  verifyToken,
} from '@tessera/backend';
import * as expressAdapter from '@tessera/backend/express';
import * as fastifyAdapter from '@tessera/backend/fastify';
import * as honoAdapter from '@tessera/backend/hono';
import type {
  SessionHandoffJSON,
  SessionJSON,
  SessionRefreshJSON,
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
    expectTypeOf<Api['create']>().returns.toEqualTypeOf<Promise<TestSessionToken>>();
    expectTypeOf<Api['list']>().returns.toEqualTypeOf<Promise<PaginatedList<TestSessionToken>>>();
    expectTypeOf<Api['accept']>().parameters.toEqualTypeOf<[token: string]>();
    expectTypeOf<Awaited<ReturnType<Api['accept']>>>().toExtend<{ session: Session; jwt: string }>();
    // exactly one of userId / identifier
    expectTypeOf<{ userId: string }>().toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ identifier: string }>().toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ userId: string; identifier: string }>().not.toExtend<Parameters<Api['create']>[0]>();
    expectTypeOf<{ sessionMaxDurationInSeconds: number }>().not.toExtend<Parameters<Api['create']>[0]>();
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
    expectTypeOf(authenticateRequest).parameters.toExtend<[Request, object]>();
    expectTypeOf(authenticateRequest).returns.toEqualTypeOf<Promise<AuthState>>();
    const narrow = (auth: AuthState) => {
      if (auth.isSignedIn) expectTypeOf(auth.userId).toEqualTypeOf<string>();
      else expectTypeOf(auth.reason).toEqualTypeOf<TokenVerificationReason>();
    };
    expectTypeOf(narrow).toBeFunction();
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
