import { SYSTEM_PERMISSION_PREFIX } from '@tessera/wire';
import { renderClaims } from '../claims/claim-template';
import { claimScopeOf } from '../claims/claim-template-scope';
import type { ServerContext } from '../core/context';
import { type ActiveOrganization, findActiveOrganization } from '../store/memberships-store';
import type { SessionTable } from '../store/schema';
import { findUserById } from '../store/users-store';

type Json = Record<string, unknown>;

/**
 * The organization in Clerk's session-token v2 form: `o.rol` is the role without `org:`; custom
 * permissions `org:<feature>:<action>` become `per` (the actions, sorted), `fea` (`o:<feature>`, in
 * order) and `fpm` (per feature, a decimal bit mask over `per`, least significant bit first). System
 * permissions (`org:sys_...`) are left out, as Clerk does.
 */
export function organizationClaims(organization: ActiveOrganization): Json {
  const o: Json = {
    id: organization.id,
    slg: organization.slug,
    rol: organization.role_key.replace(/^org:/, ''),
  };
  const custom = organization.permissions
    .filter((key) => !key.startsWith(SYSTEM_PERMISSION_PREFIX))
    .map((key) => key.split(':') as [string, string, string]);
  if (custom.length === 0) return { o };
  const actions = [...new Set(custom.map(([, , action]) => action))].sort();
  const features = [...new Set(custom.map(([, feature]) => feature))];
  const masks = features.map((feature) =>
    custom
      .filter(([, f]) => f === feature)
      .reduce((mask, [, , action]) => mask | (1n << BigInt(actions.indexOf(action))), 0n)
      .toString(),
  );
  return {
    o: { ...o, per: actions.join(','), fpm: masks.join(',') },
    fea: features.map((feature) => `o:${feature}`).join(','),
  };
}

/**
 * What a session's JWT carries besides the standard claims: `fva` (minutes since the sign-in, and -1:
 * no second factor), its organization (read now, so a role change shows in the next JWT), the
 * instance's session token template and the session's own claims, rendered. A session without an
 * organization or custom claims costs no query here.
 */
export async function sessionClaimsOf(
  ctx: ServerContext,
  session: SessionTable,
  nowMs: number,
): Promise<Json> {
  const fva = [Math.max(0, Math.floor((nowMs - session.created_at) / 60_000)), -1];
  const template = await ctx.sessionTemplate.claims(ctx.db, nowMs);
  const own = session.claims === null ? null : (JSON.parse(session.claims) as Json);
  const organization =
    session.last_active_organization_id === null
      ? undefined
      : await findActiveOrganization(ctx.db, session.last_active_organization_id, session.user_id);
  if (!template && !own) return { fva, ...(organization && organizationClaims(organization)) };
  const user = await findUserById(ctx.db, session.user_id);
  const scope = claimScopeOf(user, organization, session);
  return {
    ...(template && renderClaims(template, scope)),
    ...(own && renderClaims(own, scope)),
    fva,
    ...(organization && organizationClaims(organization)),
  };
}
