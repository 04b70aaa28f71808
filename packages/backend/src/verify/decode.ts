import { TokenVerificationError } from '../errors';
import { base64UrlToBytes } from './base64url';

/** Longer tokens are refused before any decoding work. */
export const MAX_TOKEN_LENGTH = 16_384;

export interface DecodedJwt {
  readonly kid: string | undefined;
  readonly payload: Record<string, unknown>;
  readonly signingInput: Uint8Array<ArrayBuffer>;
  readonly signature: Uint8Array<ArrayBuffer>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function decodeJson(part: string): Record<string, unknown> | null {
  const bytes = base64UrlToBytes(part);
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
 * Splits and decodes a compact JWS and checks its header: `alg` must be exactly `RS256` (so `none`
 * and HMAC are refused before any key is touched) and `typ`, when present, `JWT`. Nothing is trusted
 * yet: the signature is checked by the caller.
 */
export function decodeJwt(token: string): DecodedJwt {
  if (token.length > MAX_TOKEN_LENGTH) throw malformed('the token is too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('a JWT has three dot-separated parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (header === null) throw malformed('the header is not base64url JSON');
  if (header.alg !== 'RS256') {
    throw new TokenVerificationError('token-invalid-algorithm', 'only RS256 is accepted');
  }
  if (header.typ !== undefined && header.typ !== 'JWT') {
    throw new TokenVerificationError('token-invalid-type', 'the header typ must be JWT');
  }
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw malformed('the header kid must be a string');
  const payload = decodeJson(payloadPart);
  if (payload === null) throw malformed('the payload is not base64url JSON');
  const signature = base64UrlToBytes(signaturePart);
  if (signature === null || signature.length === 0) throw malformed('the signature is not base64url');
  return {
    kid: header.kid,
    payload,
    signingInput: encoder.encode(`${headerPart}.${payloadPart}`),
    signature,
  };
}
