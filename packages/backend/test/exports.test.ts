import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The public surface, entry point by entry point. A change here is a change to the published API:
// update the list deliberately (and the README), never to make a test pass.
describe('exports', () => {
  it('@tessera/backend', async () => {
    expect(Object.keys(await import('@tessera/backend')).sort()).toEqual([
      'ActorToken',
      'AgentTask',
      'ApiConnectionError',
      'ApiResponseError',
      'AuditEvent',
      'ConfigurationError',
      'DeletedObject',
      'EmailAddress',
      'FixturesResult',
      'Jwks',
      'JwtTemplate',
      'Organization',
      'OrganizationMembership',
      'OrganizationPermission',
      'OrganizationRole',
      'REFRESH_COOKIE',
      'ResponseValidationError',
      'SDK_VERSION',
      'SESSION_COOKIE',
      'Session',
      'SessionHandoff',
      'SessionRefresh',
      'SessionTokenTemplate',
      'SessionWithToken',
      'SignInToken',
      'TOKEN_VERIFICATION_REASONS',
      'TesseraError',
      'TestSessionToken',
      'TestingToken',
      'TicketAcceptance',
      'Token',
      'TokenVerificationError',
      'User',
      'authFromClaims',
      'authenticateRequest',
      'createBackendApiClient',
      'handleBrowserSession',
      'signOutBrowserSession',
      'verifyToken',
    ]);
  });

  it.each(['express', 'hono', 'fastify'])('@tessera/backend/%s', async (adapter) => {
    const module: Record<string, unknown> = await import(`../src/adapters/${adapter}.ts`);
    expect(Object.keys(module).sort()).toEqual([
      'REFRESH_COOKIE',
      'SESSION_COOKIE',
      'getAuth',
      'requireAuth',
      'signOut',
      'withAuth',
    ]);
  });

  it('@tessera/backend/next', async () => {
    expect(Object.keys(await import('@tessera/backend/next')).sort()).toEqual([
      'REFRESH_COOKIE',
      'SESSION_COOKIE',
      'auth',
      'createRouteMatcher',
      'signOut',
      'tesseraMiddleware',
    ]);
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

  it('is ESM, side-effect free, with no runtime dependencies', () => {
    expect(pkg).toMatchObject({ name: '@tessera/backend', type: 'module', sideEffects: false });
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies)).toEqual(['express', 'fastify', 'hono', 'next']);
    expect(Object.values(pkg.peerDependenciesMeta)).toEqual([
      { optional: true },
      { optional: true },
      { optional: true },
      { optional: true },
    ]);
  });

  it('maps every entry point to types, a "node" build and the portable default', () => {
    expect(Object.keys(pkg.exports)).toEqual([
      '.',
      './express',
      './hono',
      './fastify',
      './next',
      './package.json',
    ]);
    for (const [subpath, name] of [
      ['.', 'index'],
      ['./express', 'express'],
      ['./hono', 'hono'],
      ['./fastify', 'fastify'],
      ['./next', 'next'],
    ]) {
      expect(Object.entries(pkg.exports[subpath!])).toEqual([
        ['types', `./dist/web/${name}.d.ts`],
        ['node', `./dist/node/${name}.js`],
        ['default', `./dist/web/${name}.js`],
      ]);
    }
  });

  it('SDK_VERSION matches the package version', async () => {
    const { SDK_VERSION } = await import('@tessera/backend');
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
