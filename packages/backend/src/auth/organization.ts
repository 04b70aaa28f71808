import { invalidClaim, type OrganizationClaim, type SessionClaims } from '../verify/claims';

/**
 * The session's active organization as the claims say, decoded as `@clerk/shared`'s
 * `__experimental_JWTPayloadToAuthObjectProperties` decodes them: from `o` and `fea` with `v: 2`,
 * else from `org_id`, `org_role`, `org_slug` and `org_permissions`. All null without an organization.
 *
 * @example
 * ```ts
 * const { orgId, orgRole, orgSlug, orgPermissions }: OrganizationAuth = auth;
 * orgRole; // 'org:admin'
 * orgPermissions; // ['org:invoices:read', 'org:invoices:pay']
 * ```
 */
export interface OrganizationAuth {
  /** `org_...`. */
  readonly orgId: string | null;
  /** The role key with its prefix, e.g. `org:admin`. */
  readonly orgRole: string | null;
  readonly orgSlug: string | null;
  /**
   * The role's custom permissions (`org:<feature>:<action>`), never the system ones (`org:sys_...`);
   * `[]` in an organization whose role has none, null outside one.
   */
  readonly orgPermissions: readonly string[] | null;
}

// Pure: an app that never decodes an organization does not keep it.
const NO_ORGANIZATION: OrganizationAuth = /* @__PURE__ */ Object.freeze({
  orgId: null,
  orgRole: null,
  orgSlug: null,
  orgPermissions: null,
});

/** The features of `fea` in the organization's scope (`o:`, or both: `ou:`, `uo:`), in order. */
function organizationFeatures(fea: string | undefined): string[] {
  const features: string[] = [];
  if (!fea) return features;
  for (const element of fea.split(',')) {
    const part = element.trim();
    const colon = part.indexOf(':');
    const scope = part.slice(0, colon);
    if (colon !== -1 && (scope === 'o' || scope === 'ou' || scope === 'uo'))
      features.push(part.slice(colon + 1));
  }
  return features;
}

const DECIMAL = /^\d+$/;

/**
 * Whether bit `index` (0: least significant) of a decimal mask is set. Masks of up to 15 digits are
 * read as numbers; longer ones (more than about 50 actions) as BigInt. Anything but digits has no bits.
 */
function bitReader(mask: string): (index: number) => boolean {
  if (!DECIMAL.test(mask)) return () => false;
  if (mask.length <= 15) {
    const value = Number(mask);
    return (index) => Math.floor(value / 2 ** index) % 2 === 1;
  }
  const value = BigInt(mask);
  return (index) => ((value >> BigInt(index)) & 1n) === 1n;
}

/** `org:<feature>:<action>` for each bit set in each feature's mask (Clerk's `buildOrgPermissions`). */
export function permissionsOf(o: OrganizationClaim, fea: string | undefined): string[] {
  const permissions: string[] = [];
  if (!o.per || !o.fpm) return permissions;
  const actions = o.per.split(',').map((action) => action.trim());
  const masks = o.fpm.split(',');
  const features = organizationFeatures(fea);
  for (let f = 0; f < features.length && f < masks.length; f++) {
    const isSet = bitReader((masks[f] as string).trim());
    for (let a = 0; a < actions.length; a++) {
      if (isSet(a)) permissions.push(`org:${features[f]}:${actions[a]}`);
    }
  }
  return permissions;
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The `org_*` claims of a v1 token, as Clerk reads them when `v` is not 2 (tessera never sets them). */
function fromVersionOneClaims(claims: SessionClaims): OrganizationAuth {
  const orgId = stringOrNull(claims.org_id);
  if (orgId === null) return NO_ORGANIZATION;
  const permissions = claims.org_permissions;
  return Object.freeze({
    orgId,
    orgRole: stringOrNull(claims.org_role),
    orgSlug: stringOrNull(claims.org_slug),
    orgPermissions: Object.freeze(
      Array.isArray(permissions) ? permissions.filter((key) => typeof key === 'string') : [],
    ),
  });
}

const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * Checks `o` and `fea` before they are read: strings where Clerk expects strings, and every `fea`
 * element scoped (Clerk's parser throws on one without a `:`). Throws `token-invalid-claims`.
 */
function checkOrganizationClaim(o: unknown, fea: unknown): asserts o is OrganizationClaim {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalidClaim('o', 'must be an object');
  const { id, slg, rol, per, fpm } = o as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') throw invalidClaim('o.id', 'must be a string');
  if (![slg, rol, per, fpm, fea].every(isOptionalString)) {
    throw invalidClaim('o', 'must hold strings (o.slg, o.rol, o.per, o.fpm, fea)');
  }
  if (typeof fea === 'string' && fea !== '' && fea.split(',').some((element) => !element.includes(':'))) {
    throw invalidClaim('fea', 'must list scoped features (o:name)');
  }
}

/**
 * Decodes the active organization of verified claims; throws `token-invalid-claims` for an `o` or
 * `fea` of the wrong shape.
 */
export function organizationOf(claims: SessionClaims): OrganizationAuth {
  if (claims.v !== 2) return claims.org_id === undefined ? NO_ORGANIZATION : fromVersionOneClaims(claims);
  const o: unknown = claims.o;
  if (o === undefined) return NO_ORGANIZATION;
  checkOrganizationClaim(o, claims.fea);
  return Object.freeze({
    orgId: o.id,
    orgRole: o.rol ? `org:${o.rol}` : null,
    orgSlug: o.slg ?? null,
    orgPermissions: Object.freeze(permissionsOf(o, claims.fea)),
  });
}
