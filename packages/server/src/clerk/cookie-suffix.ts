import { createHash } from 'node:crypto';
import type { ServerContext } from '../core/context';
import { publishableKeyFor } from '../core/secrets';

/**
 * The suffix Clerk's SDKs give an instance's cookies (`__session_<suffix>`): the first 8 characters
 * of base64url(SHA-1(publishable key)). An app computes it from its CLERK_PUBLISHABLE_KEY, which must
 * be this instance's.
 */
export function clerkCookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}

/** This instance's publishable key: the one `tessera serve` prints and a Clerk app is given. */
export function instancePublishableKey(ctx: ServerContext): string {
  return publishableKeyFor(ctx.environment, new URL(ctx.settings.publicUrl).host);
}
