import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PASSWORD_MIN_LENGTH, type PasswordHasher } from '@tessera/wire';
import { ApiError } from '../core/api-error';

/**
 * Passwords, only ever as digests. tessera's own are scrypt (RFC 7914), computed in libuv's thread
 * pool so a hash never holds up the event loop; imported bcrypt digests are checked with bcryptjs
 * (which yields between rounds) and argon2 ones with the argon2 binding (thread pool). Both are
 * loaded on first use, not at start. Nothing here ever logs, returns or puts a password in an error.
 */

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds), written into each digest. */
const SCRYPT = { logN: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const SCRYPT_DIGEST =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Well-formed imported digests, so a bad one is refused on import rather than failing every check. */
const IMPORTED_DIGEST: Readonly<Record<PasswordHasher, RegExp>> = {
  bcrypt: /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/,
  // The PHC string format: its parameters in any order (the reference library writes m, t, p).
  argon2i: /^\$argon2i\$v=\d+\$[mtp]=\d+,[mtp]=\d+,[mtp]=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
  argon2id: /^\$argon2id\$v=\d+\$[mtp]=\d+,[mtp]=\d+,[mtp]=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
};

function scryptAsync(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT.keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** A new scrypt digest of `password`, with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scryptAsync(password, salt, SCRYPT.logN, SCRYPT.r, SCRYPT.p);
  return `$scrypt$ln=${SCRYPT.logN},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches a stored digest of any hasher tessera keeps. */
export async function passwordMatches(digest: string, hasher: string, password: string): Promise<boolean> {
  if (hasher === 'scrypt') {
    const parts = SCRYPT_DIGEST.exec(digest);
    if (!parts) return false;
    const [, logN, r, p, salt, expected] = parts;
    const key = await scryptAsync(password, Buffer.from(salt!, 'base64'), Number(logN), Number(r), Number(p));
    const want = Buffer.from(expected!, 'base64');
    return key.length === want.length && timingSafeEqual(key, want);
  }
  if (hasher === 'bcrypt') {
    const bcrypt = await import('bcryptjs');
    return bcrypt.compare(password, digest);
  }
  if (hasher === 'argon2i' || hasher === 'argon2id') {
    const argon2 = await import('argon2');
    return argon2.verify(digest, password);
  }
  return false;
}

/** What a create or an update says about the password. */
export interface PasswordParams {
  readonly password?: string;
  readonly skip_password_checks?: boolean;
  readonly password_digest?: string;
  readonly password_hasher?: PasswordHasher;
}

/**
 * The digest and hasher to store for these parameters, or undefined when they say nothing about
 * the password. Refuses (naming the field) a short password, a password beside a digest, a digest
 * without its hasher (or the reverse) and a digest that is not of its hasher's form.
 */
export async function passwordColumnsOf(
  params: PasswordParams,
): Promise<{ password_digest: string; password_hasher: string } | undefined> {
  const { password, password_digest: digest, password_hasher: hasher } = params;
  if (password !== undefined && (digest !== undefined || hasher !== undefined)) {
    throw ApiError.invalidParam('password_digest', 'Give either password or password_digest, not both.');
  }
  if (password !== undefined) {
    if (!params.skip_password_checks && password.length < PASSWORD_MIN_LENGTH) {
      throw new ApiError(
        'form_password_length_too_short',
        `Passwords must be ${PASSWORD_MIN_LENGTH} characters or more (skip_password_checks allows shorter ones).`,
        { param_name: 'password' },
      );
    }
    return { password_digest: await hashPassword(password), password_hasher: 'scrypt' };
  }
  if (digest === undefined && hasher === undefined) return undefined;
  if (digest === undefined) {
    throw new ApiError('form_param_missing', 'password_hasher needs password_digest.', {
      param_name: 'password_digest',
    });
  }
  if (hasher === undefined) {
    throw new ApiError('form_param_missing', 'password_digest needs password_hasher.', {
      param_name: 'password_hasher',
    });
  }
  if (!IMPORTED_DIGEST[hasher].test(digest)) {
    throw ApiError.invalidParam('password_digest', `password_digest is not a ${hasher} digest.`);
  }
  return { password_digest: digest, password_hasher: hasher };
}

/** The stored digest of a user, for `verifyUserPassword`. */
export interface StoredPassword {
  readonly password_digest: string | null;
  readonly password_hasher: string | null;
}

/**
 * `POST /v1/users/{id}/verify_password`: resolves when `password` is the user's; otherwise 422
 * `form_password_incorrect`, or `password_not_set` for a user without one.
 */
export async function verifyUserPassword(user: StoredPassword, password: string): Promise<void> {
  if (user.password_digest === null || user.password_hasher === null) {
    throw new ApiError('password_not_set', 'This user has no password to verify.', {
      param_name: 'password',
    });
  }
  if (!(await passwordMatches(user.password_digest, user.password_hasher, password))) {
    throw new ApiError('form_password_incorrect', 'Password is incorrect.', { param_name: 'password' });
  }
}
