import type { OrganizationAuth } from './organization';

/**
 * What `has()` asks of the active organization: a role, a permission, or both (both must hold). The
 * `org:` prefix may be left out (`'admin'` is `'org:admin'`).
 *
 * @example
 * ```ts
 * const canPay: HasParams = { permission: 'org:invoices:pay' };
 * const isAdmin: HasParams = { role: 'org:admin' };
 * ```
 */
export interface HasParams {
  readonly role?: string;
  readonly permission?: string;
}

/** `org:` in front, exactly once (Clerk's `prefixWithOrg`). */
const prefixWithOrg = (value: string) => value.replace(/^(org:)*/, 'org:');

/** Answers false for anything: signed out, or no question asked. */
export const hasNothing = (_params: HasParams): boolean => false;

/**
 * Clerk's organization check (`checkOrgAuthorization`): false outside an organization, false when
 * nothing is asked, a role compared with the `org:` prefix normalised on both sides, a permission
 * looked up in `orgPermissions`. Asking about anything it cannot check (a billing `feature` or `plan`,
 * `reverification`) answers false rather than ignoring it.
 */
export function createHas({
  orgId,
  orgRole,
  orgPermissions,
}: OrganizationAuth): (params: HasParams) => boolean {
  if (!orgId) return hasNothing;
  return (params) => {
    if (typeof params !== 'object' || params === null) return false;
    const asked = params as HasParams & { feature?: unknown; plan?: unknown; reverification?: unknown };
    if (asked.feature !== undefined || asked.plan !== undefined || asked.reverification !== undefined)
      return false;
    const { role, permission } = asked;
    if (role === undefined && permission === undefined) return false;
    if (role !== undefined) {
      if (typeof role !== 'string' || !orgRole || prefixWithOrg(orgRole) !== prefixWithOrg(role))
        return false;
    }
    if (permission !== undefined) {
      if (typeof permission !== 'string' || orgPermissions === null) return false;
      if (!orgPermissions.includes(prefixWithOrg(permission))) return false;
    }
    return true;
  };
}
