import { TokenVerificationError } from '../errors';
import { base64UrlToBytes } from './base64url';

/** Longer tokens are refused before any decoding work. */
export const MAX_TOKEN_LENGTH = 16_384;

export interface DecodedJwt {
  readonly kid: string | undefined;
  readonly payload: Record<string, unknown>;
  /** `header.payload` as in the token: ASCII, since both parts decoded as base64url. */
  readonly signingInput: string;
  readonly signature: Uint8Array<ArrayBuffer>;
}

type Base64UrlDecoder = (text: string) => Uint8Array<ArrayBuffer> | null;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeJson(part: string, decode: Base64UrlDecoder): Record<string, unknown> | null {
  const bytes = decode(part);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function malformed(detail: string): TokenVerificationError {
  return new TokenVerificationError('token-malformed', detail);
}

/**
 * The `kid` of the last header that passed the checks, by its exact base64url text. An issuer's
 * tokens share one header, and what a header decodes to depends on nothing but its text, so the
 * next token with the same text skips the decoding and the checks.
 */
let lastHeaderPart: string | undefined;
let lastHeaderKid: string | undefined;

/** The header's `kid` once `alg`, `crit`, `typ` and `kid` pass; throws otherwise. */
function checkedHeaderKid(headerPart: string, decode: Base64UrlDecoder): string | undefined {
  if (headerPart === lastHeaderPart) return lastHeaderKid;
  const header = decodeJson(headerPart, decode);
  if (header === null) throw malformed('the header is not base64url JSON');
  if (header.alg !== 'RS256') {
    throw new TokenVerificationError('token-invalid-algorithm', 'only RS256 is accepted');
  }
  // RFC 7515 §4.1.11: a recipient must refuse a `crit` extension it does not understand, and this one
  // understands none; an empty list is itself forbidden. Checked before the header is remembered, so
  // such a header never reaches the fast path above, the signature check or the verified cache.
  if (header.crit !== undefined) {
    throw new TokenVerificationError(
      'token-unsupported-critical-header',
      'the header lists crit extensions, and none is supported',
    );
  }
  if (header.typ !== undefined && header.typ !== 'JWT') {
    throw new TokenVerificationError('token-invalid-type', 'the header typ must be JWT');
  }
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw malformed('the header kid must be a string');
  lastHeaderPart = headerPart;
  lastHeaderKid = header.kid;
  return header.kid;
}

/**
 * Splits and decodes a compact JWS and checks its header: `alg` must be exactly `RS256` (so `none`
 * and HMAC are refused before any key is touched), `crit` absent and `typ`, when present, `JWT`.
 * Every part must be canonical base64url, so a token has exactly one spelling. Nothing is trusted
 * yet: the signature is checked by the caller. `decode` may be a platform's faster base64url decoder
 * with the same results.
 */
export function decodeJwt(token: string, decode: Base64UrlDecoder = base64UrlToBytes): DecodedJwt {
  if (token.length > MAX_TOKEN_LENGTH) throw malformed('the token is too long');
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw malformed('a JWT has three dot-separated parts');
  }
  const kid = checkedHeaderKid(token.slice(0, first), decode);
  const payload = decodeJson(token.slice(first + 1, second), decode);
  if (payload === null) throw malformed('the payload is not base64url JSON');
  const signature = decode(token.slice(second + 1));
  if (signature === null || signature.length === 0) throw malformed('the signature is not base64url');
  return { kid, payload, signingInput: token.slice(0, second), signature };
}
