import { randomUUID } from 'node:crypto';
import { renderClaims } from '../claims/claim-template';
import { claimScopeOf } from '../claims/claim-template-scope';
import type { ServerContext } from '../core/context';
import { findActiveOrganization } from '../store/memberships-store';
import type { JwtTemplateTable, SessionTable } from '../store/schema';
import { findUserById } from '../store/users-store';
import { signSessionJwt } from './session-jwt';

/**
 * A JWT made from a template for an active session's user: the template's claims, rendered, and
 * Clerk's standard ones (`iss`, `sub`, `iat`, `nbf` set back by the clock skew, `exp`, `azp`, `jti`),
 * signed with the instance's current key like a session JWT.
 */
export async function signTemplateJwt(
  ctx: ServerContext,
  session: SessionTable,
  template: JwtTemplateTable,
  lifetimeSeconds = template.lifetime,
): Promise<string> {
  const iat = Math.floor(ctx.clock.now() / 1000);
  const [user, organization] = await Promise.all([
    findUserById(ctx.db, session.user_id),
    session.last_active_organization_id === null
      ? undefined
      : findActiveOrganization(ctx.db, session.last_active_organization_id, session.user_id),
  ]);
  const claims = renderClaims(JSON.parse(template.claims), claimScopeOf(user, organization, session));
  return signSessionJwt(await ctx.keys.current(), {
    ...claims,
    iss: ctx.settings.publicUrl,
    sub: session.user_id,
    iat,
    nbf: iat - template.allowed_clock_skew,
    exp: iat + lifetimeSeconds,
    ...(session.authorized_party !== null && { azp: session.authorized_party }),
    jti: randomUUID().replaceAll('-', ''),
  });
}
