import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../core/api-error';
import { digestsEqual, SECRET_KEY_PATTERN, sha256Hex } from '../core/secrets';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Checks `Authorization: Bearer <secret key>`; returns the presented key once it is known to be this instance's. */
export type Authenticate = (authorization: string | undefined) => string;

/**
 * The instance stores only a hash of its secret key, so the first request hashes the key it presents.
 * Once a key has matched, later requests are compared with it directly, in constant time: the check
 * every request makes then costs no hash.
 */
export function secretKeyAuthenticator(secretKeyHash: string): Authenticate {
  let verified: Buffer | undefined;
  return (authorization) => {
    const presented = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (!presented) {
      throw new ApiError(
        'authentication_invalid',
        'The Authorization header must be "Bearer <secret key>", with the instance secret key (sk_test_... or sk_live_...).',
      );
    }
    const bytes = Buffer.from(presented);
    if (verified !== undefined && bytes.length === verified.length && timingSafeEqual(bytes, verified)) {
      return presented;
    }
    if (!SECRET_KEY_PATTERN.test(presented)) {
      throw new ApiError(
        'authentication_invalid',
        'The bearer token is not a secret key (sk_test_... or sk_live_...).',
      );
    }
    if (!digestsEqual(sha256Hex(presented), secretKeyHash)) {
      throw new ApiError(
        'clerk_key_invalid',
        'The secret key provided is not the secret key of this instance.',
      );
    }
    verified = bytes;
    return presented;
  };
}
