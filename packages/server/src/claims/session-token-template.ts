import { RESERVED_SESSION_CLAIMS, type SessionTokenTemplateJSON } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import type { Executor } from '../store/database';
import { findSessionClaims, setSessionClaims } from '../store/instance-store';
import { checkClaimsTemplate } from './claim-template';

type Json = Record<string, unknown>;

/** How long a node trusts the template it read: another node's change reaches it within this. */
const TEMPLATE_TTL_MS = 1000;

/**
 * The instance's session token template, read at most once a second per node: minting a JWT is the
 * hot path, and most instances have no template. A change made on this node applies at once.
 */
export class SessionTokenTemplateCache {
  #value: Json | null = null;
  #readAt = Number.NEGATIVE_INFINITY;

  /** The template's claims, or null when there is none (`{}` counts as none). */
  async claims(db: Executor, now: number): Promise<Json | null> {
    if (now - this.#readAt < TEMPLATE_TTL_MS && now >= this.#readAt) return this.#value;
    const row = await findSessionClaims(db);
    const parsed = row?.session_claims ? (JSON.parse(row.session_claims) as Json) : null;
    this.#value = parsed && Object.keys(parsed).length > 0 ? parsed : null;
    this.#readAt = now;
    return this.#value;
  }

  forget(): void {
    this.#readAt = Number.NEGATIVE_INFINITY;
  }
}

export async function getSessionTokenTemplate(ctx: ServerContext): Promise<SessionTokenTemplateJSON> {
  const row = await findSessionClaims(ctx.db);
  return {
    object: 'session_token_template',
    claims: row?.session_claims ? (JSON.parse(row.session_claims) as Json) : {},
    updated_at: row?.session_claims_updated_at ?? null,
  };
}

/** Sets (or, with `{}`, clears) the template; checked first: no reserved claim, only known shortcodes. */
export async function setSessionTokenTemplate(
  ctx: ServerContext,
  claims: Json,
  db: Executor = ctx.db,
): Promise<SessionTokenTemplateJSON> {
  checkClaimsTemplate(claims, RESERVED_SESSION_CLAIMS);
  const now = ctx.clock.now();
  await setSessionClaims(db, Object.keys(claims).length > 0 ? JSON.stringify(claims) : null, now);
  ctx.sessionTemplate.forget();
  return { object: 'session_token_template', claims, updated_at: now };
}
