import { digestsEqual, SECRET_KEY_PATTERN, sha256Hex } from '../core/secrets';
import { RequestError } from './wire-errors';

/** Checks `Authorization: Bearer <secret key>` against the instance's key hash, in constant time. */
/** Returns the presented secret key once it is known to be this instance's. */
export function authenticate(authorization: string | undefined, secretKeyHash: string): string {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) {
    throw RequestError.of(
      'authentication_invalid',
      'The Authorization header must be "Bearer <secret key>", with the instance secret key (sk_test_... or sk_live_...).',
    );
  }
  const presented = match[1];
  if (!SECRET_KEY_PATTERN.test(presented)) {
    throw RequestError.of(
      'authentication_invalid',
      'The bearer token is not a secret key (sk_test_... or sk_live_...).',
    );
  }
  if (!digestsEqual(sha256Hex(presented), secretKeyHash)) {
    throw RequestError.of(
      'clerk_key_invalid',
      'The secret key provided is not the secret key of this instance.',
    );
  }
  return presented;
}
