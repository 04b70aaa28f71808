import { fromJsonColumn } from '../store/json-column';
import type { ActiveOrganization } from '../store/memberships-store';
import type { SessionTable } from '../store/schema';
import type { UserRecord } from '../store/users-store';
import { type ClaimScope, readPath } from './claim-template';

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/**
 * What shortcodes read for a session: its user, its organization and the user's membership in it (when
 * the session has one), and the session. Times are Unix seconds, as in the JWT. Private metadata is
 * never readable: a JWT is visible to the browser.
 */
export function claimScopeOf(
  user: UserRecord | undefined,
  organization: ActiveOrganization | undefined,
  session: Pick<SessionTable, 'id' | 'actor'>,
): ClaimScope {
  const cache = new Map<string, unknown>();
  const json = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!cache.has(name)) cache.set(name, fromJsonColumn(text));
    return cache.get(name);
  };
  const primaryEmail = user?.emails.find(
    (email) => email.id === user.primary_email_address_id,
  )?.email_address;
  const values: Record<string, () => unknown> = {
    'user.id': () => user?.id,
    'user.external_id': () => user?.external_id,
    'user.username': () => user?.username,
    'user.first_name': () => user?.first_name,
    'user.last_name': () => user?.last_name,
    'user.full_name': () => [user?.first_name, user?.last_name].filter(Boolean).join(' ') || null,
    'user.primary_email_address': () => primaryEmail,
    'user.email_verified': () => primaryEmail !== undefined,
    'user.image_url': () => null,
    'user.has_image': () => false,
    'user.public_metadata': () => json('user.public_metadata', user?.public_metadata),
    'user.unsafe_metadata': () => json('user.unsafe_metadata', user?.unsafe_metadata),
    'user.created_at': () => (user ? seconds(user.created_at) : undefined),
    'user.updated_at': () => (user ? seconds(user.updated_at) : undefined),
    'user.last_sign_in_at': () => (user ? seconds(user.last_sign_in_at) : undefined),
    'user.two_factor_enabled': () => false,
    'user.password_enabled': () => (user ? user.password_digest !== null : undefined),
    'org.id': () => organization?.id,
    'org.name': () => organization?.name,
    'org.slug': () => organization?.slug,
    'org.image_url': () => organization?.image_url,
    'org.has_image': () => (organization ? organization.image_url !== null : undefined),
    'org.public_metadata': () => json('org.public_metadata', organization?.public_metadata),
    'org_membership.role': () => organization?.role_key,
    'org_membership.permissions': () => organization && [...organization.permissions],
    'org_membership.public_metadata': () =>
      json('org_membership.public_metadata', organization?.membership_public_metadata),
    'session.id': () => session.id,
    'session.actor': () => (session.actor === null ? null : JSON.parse(session.actor)),
  };
  return (path) => {
    const exact = values[path];
    if (exact) return exact();
    for (const root of [
      'user.public_metadata',
      'user.unsafe_metadata',
      'org.public_metadata',
      'org_membership.public_metadata',
    ]) {
      if (path.startsWith(`${root}.`))
        return readPath(values[root]?.(), path.slice(root.length + 1).split('.'));
    }
    return undefined;
  };
}
