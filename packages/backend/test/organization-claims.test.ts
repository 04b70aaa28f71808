import { createCheckAuthorization } from '@clerk/shared/authorization';
import { __experimental_JWTPayloadToAuthObjectProperties as clerkParse } from '@clerk/shared/jwtPayloadParser';
import {
  authenticateRequest,
  authFromClaims,
  type SessionClaims,
  TokenVerificationError,
} from '@tessera/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimsAt, makeKey, signJwt, type TestKey, testClock } from './support/jwt';

// The `o` / `fea` / `fva` claims decoded by hand-built examples, and against @clerk/shared's own parser
// and `has()` on the very same claims: tessera's session JWTs must read the same in either SDK.

const START = 1_800_000_000_000;
const ORG = 'org_2x0000000000000000000000000';

/** Claims as `verifyToken` hands them out: frozen to the leaves. */
function claims(extra: Record<string, unknown> = {}): SessionClaims {
  const payload = claimsAt(START, extra);
  for (const value of Object.values(payload)) if (typeof value === 'object') Object.freeze(value);
  return Object.freeze(payload) as SessionClaims;
}

/**
 * The encoding the server writes (Clerk's v2 form), from permission keys: `per` the distinct actions
 * sorted, `fea` the features in order of appearance, `fpm` one decimal mask per feature.
 */
function encode(role: string, permissions: readonly string[]) {
  const o: Record<string, string> = { id: ORG, slg: 'acme', rol: role.replace(/^org:/, '') };
  const parts = permissions.map((key) => key.split(':') as [string, string, string]);
  if (parts.length === 0) return { o };
  const actions = [...new Set(parts.map(([, , action]) => action))].sort();
  const features = [...new Set(parts.map(([, feature]) => feature))];
  const masks = features.map((feature) =>
    parts
      .filter(([, f]) => f === feature)
      .reduce((mask, [, , action]) => mask | (1n << BigInt(actions.indexOf(action))), 0n)
      .toString(),
  );
  return {
    o: { ...o, per: actions.join(','), fpm: masks.join(',') },
    fea: features.map((feature) => `o:${feature}`).join(','),
  };
}

/** What Clerk decodes, with its `undefined` for "none" read as tessera's null. */
function clerkView(payload: SessionClaims) {
  const parsed = clerkParse(payload as unknown as Parameters<typeof clerkParse>[0]);
  return {
    orgId: parsed.orgId ?? null,
    orgRole: parsed.orgRole ?? null,
    orgSlug: parsed.orgSlug ?? null,
    orgPermissions: parsed.orgId ? (parsed.orgPermissions ?? []) : null,
    factorVerificationAge: parsed.factorVerificationAge ?? null,
  };
}

function ourView(payload: SessionClaims) {
  const { orgId, orgRole, orgSlug, orgPermissions, factorVerificationAge } = authFromClaims(payload);
  return { orgId, orgRole, orgSlug, orgPermissions, factorVerificationAge };
}

describe('the active organization, decoded from o and fea', () => {
  it('reads id, slug, the role with its org: prefix, and one permission per bit', () => {
    const auth = authFromClaims(
      claims({
        o: { id: ORG, slg: 'acme', rol: 'admin', per: 'pay,read', fpm: '3,2' },
        fea: 'o:invoices,o:reports',
        fva: [4, -1],
      }),
    );
    expect(auth).toMatchObject({
      isSignedIn: true,
      orgId: ORG,
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:pay', 'org:invoices:read', 'org:reports:read'],
      factorVerificationAge: [4, -1],
    });
  });

  it('no custom permissions: an empty list, not null; no organization: all null', () => {
    expect(authFromClaims(claims({ o: { id: ORG, slg: 'acme', rol: 'member' } }))).toMatchObject({
      orgId: ORG,
      orgRole: 'org:member',
      orgPermissions: [],
    });
    expect(authFromClaims(claims({ fva: [0, -1] }))).toMatchObject({
      orgId: null,
      orgRole: null,
      orgSlug: null,
      orgPermissions: null,
      factorVerificationAge: [0, -1],
    });
    expect(authFromClaims(claims()).factorVerificationAge).toBeNull();
  });

  it('reads masks wider than a double (BigInt), and only the organization scope of fea', () => {
    const actions = Array.from({ length: 70 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    const mask = (1n << 0n) | (1n << 52n) | (1n << 53n) | (1n << 69n);
    const auth = authFromClaims(
      claims({
        o: { id: ORG, rol: 'admin', per: actions.join(','), fpm: `${mask}, 2 ,x` },
        fea: 'u:profile, o:wide ,ou:both,uo:third',
      }),
    );
    expect(auth.orgPermissions).toEqual([
      'org:wide:a00',
      'org:wide:a52',
      'org:wide:a53',
      'org:wide:a69',
      'org:both:a01',
    ]);
  });

  it('reads the v1 org_* claims when v is not 2, as Clerk does', () => {
    const auth = authFromClaims(
      claims({ v: 1, org_id: ORG, org_role: 'org:admin', org_slug: 'acme', org_permissions: ['org:a:b'] }),
    );
    expect(auth).toMatchObject({
      orgId: ORG,
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:a:b'],
    });
    expect(authFromClaims(claims({ v: 1, o: { id: ORG } })).orgId).toBeNull();
  });

  it('is decoded once per claims object, frozen', () => {
    const payload = claims({ o: { id: ORG, rol: 'admin', per: 'read', fpm: '1' }, fea: 'o:invoices' });
    const auth = authFromClaims(payload);
    expect(authFromClaims(payload)).toBe(auth);
    expect(Object.isFrozen(auth)).toBe(true);
    expect(Object.isFrozen(auth.orgPermissions)).toBe(true);
  });

  it.each([
    ['o', { o: 'org_1' }],
    ['o', { o: null }],
    ['o.id', { o: { slg: 'acme' } }],
    ['o', { o: { id: ORG, per: ['read'], fpm: '1' } }],
    ['o', { o: { id: ORG }, fea: 7 }],
    ['fea', { o: { id: ORG, per: 'read', fpm: '1' }, fea: 'invoices' }],
    ['fva', { fva: [1] }],
    ['fva', { fva: [1, '-1'] }],
  ])('refuses a malformed %s (token-invalid-claims)', (claim, extra) => {
    let error: unknown;
    try {
      authFromClaims(claims(extra));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect(error).toMatchObject({ reason: 'token-invalid-claims' });
    expect((error as Error).message).toContain(`the ${claim} claim`);
  });
});

describe('agrees with @clerk/shared on the same claims', () => {
  const samples: [string, Record<string, unknown>][] = [
    ['no organization', { fva: [3, -1] }],
    ['no custom permissions', encode('org:member', [])],
    ['one feature', encode('org:accountant', ['org:invoices:read', 'org:invoices:pay'])],
    [
      'several features sharing actions',
      encode('org:admin', ['org:invoices:read', 'org:reports:read', 'org:reports:export', 'org:team:manage']),
    ],
    [
      'hand-written with scopes and spaces',
      { o: { id: ORG, rol: 'x', per: 'a, b', fpm: ' 1,3' }, fea: 'u:p,o:f, ou:g' },
    ],
    ['more features than masks', { o: { id: ORG, rol: 'x', per: 'a', fpm: '1' }, fea: 'o:f,o:g' }],
    ['more masks than features', { o: { id: ORG, rol: 'x', per: 'a', fpm: '1,1' }, fea: 'o:f' }],
    ['a mask that is not a number', { o: { id: ORG, rol: 'x', per: 'a', fpm: '1e3' }, fea: 'o:f' }],
    ['per without fpm', { o: { id: ORG, rol: 'x', per: 'a' }, fea: 'o:f' }],
    ['an empty role', { o: { id: ORG, rol: '' } }],
    [
      'v1 claims',
      { v: 1, org_id: ORG, org_role: 'org:admin', org_slug: 'acme', org_permissions: ['org:a:b'] },
    ],
  ];

  it.each(samples)('%s', (_name, extra) => {
    const payload = claims(extra);
    expect(ourView(payload)).toEqual(clerkView(payload));
  });

  it('on 300 random permission sets, and the decoding gives back what was encoded', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 300; run++) {
      const keys = new Set<string>();
      const count = random(12);
      for (let i = 0; i < count; i++) keys.add(`org:f${random(5)}:a${random(60)}`);
      const payload = claims(encode('org:r', [...keys]));
      const ours = ourView(payload);
      expect(ours).toEqual(clerkView(payload));
      expect([...(ours.orgPermissions ?? [])].sort()).toEqual([...keys].sort());
    }
  });
});

describe('has()', () => {
  const payload = claims(encode('org:accountant', ['org:invoices:read', 'org:invoices:pay']));
  const auth = authFromClaims(payload);
  const clerk = clerkParse(payload as unknown as Parameters<typeof clerkParse>[0]);
  const clerkHas = createCheckAuthorization({
    userId: clerk.userId,
    orgId: clerk.orgId,
    orgRole: clerk.orgRole,
    orgPermissions: clerk.orgPermissions,
    factorVerificationAge: clerk.factorVerificationAge,
    features: '',
    plans: '',
  });

  it.each([
    [{ role: 'org:accountant' }, true],
    [{ role: 'accountant' }, true],
    [{ role: 'org:org:accountant' }, true],
    [{ role: 'org:admin' }, false],
    [{ role: '' }, false],
    [{ permission: 'org:invoices:read' }, true],
    [{ permission: 'invoices:pay' }, true],
    [{ permission: 'org:invoices:delete' }, false],
    [{ permission: 'org:sys_memberships:read' }, false],
    [{ role: 'org:accountant', permission: 'org:invoices:read' }, true],
    [{ role: 'org:accountant', permission: 'org:invoices:delete' }, false],
    [{ role: 'org:admin', permission: 'org:invoices:read' }, false],
    [{}, false],
    [{ role: 7 }, false],
  ])('%j is %s, as with Clerk', (params, expected) => {
    expect(auth.has(params as { role?: string; permission?: string })).toBe(expected);
    expect(clerkHas(params as Parameters<typeof clerkHas>[0])).toBe(expected);
  });

  it('is false outside an organization, for what it cannot check, and when signed out', async () => {
    const outside = authFromClaims(claims());
    expect(outside.has({ role: 'org:admin' })).toBe(false);
    expect(outside.has({ permission: 'org:invoices:read' })).toBe(false);
    const asked = { role: 'org:accountant', feature: 'o:invoices' } as { role: string };
    expect(auth.has(asked)).toBe(false);
    expect(auth.has(null as unknown as { role: string })).toBe(false);
  });
});

describe('authenticateRequest', () => {
  let key: TestKey;
  let options: { jwtKey: string; clock: ReturnType<typeof testClock> };

  beforeAll(() => {
    key = makeKey('kid_org');
    options = { jwtKey: key.publicPem, clock: testClock(START) };
  });

  const request = (jwt: string) =>
    new Request('https://app.test/api', { headers: { Authorization: `Bearer ${jwt}` } });

  it('answers the organization, and the same frozen state for the same token', async () => {
    const jwt = signJwt(
      key,
      claimsAt(START, { ...encode('org:admin', ['org:invoices:read']), fva: [1, -1] }),
    );
    const first = await authenticateRequest(request(jwt), options);
    expect(first).toMatchObject({
      isSignedIn: true,
      orgId: ORG,
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:read'],
      factorVerificationAge: [1, -1],
    });
    expect(first.has({ permission: 'org:invoices:read' })).toBe(true);
    expect(await authenticateRequest(request(jwt), options)).toBe(first);
  });

  it('a signed token with a malformed o is signed out (token-invalid-claims), not thrown', async () => {
    const jwt = signJwt(key, claimsAt(START, { o: { id: ORG, per: 1 } }));
    await expect(authenticateRequest(request(jwt), options)).resolves.toMatchObject({
      isSignedIn: false,
      reason: 'token-invalid-claims',
    });
  });
});
