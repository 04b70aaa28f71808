import { TOKEN_VERIFICATION_REASONS, type TokenVerificationReason } from '../../errors';

// How the middleware's decision reaches auth() in server code: one request header, which the
// middleware always overwrites (a copy the client sent never survives a route it runs on).
//
// The header carries no credential and is never trusted to sign anyone in: `signed-in` only tells
// auth() to verify the request's JWT itself; `signed-out:<reason>` makes auth() answer signed out
// without looking further. Forging it can only sign the forger out, never in.

/** The request header the middleware sets for server code; any incoming copy is replaced. */
export const AUTH_HEADER = 'x-tessera-auth';

const SIGNED_IN = 'signed-in';
const SIGNED_OUT = 'signed-out:';
const REASONS = new Set<string>(TOKEN_VERIFICATION_REASONS);

/** The header value for the middleware's verdict. */
export function verdictHeader(reason: TokenVerificationReason | null): string {
  return reason === null ? SIGNED_IN : `${SIGNED_OUT}${reason}`;
}

/**
 * The verdict a header value carries: null to verify the JWT (`signed-in`), else the reason the
 * request is signed out. Anything unrecognised is signed out.
 */
export function readVerdict(value: string): TokenVerificationReason | null {
  if (value === SIGNED_IN) return null;
  const reason = value.startsWith(SIGNED_OUT) ? value.slice(SIGNED_OUT.length) : '';
  return REASONS.has(reason) ? (reason as TokenVerificationReason) : 'token-missing';
}
