import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PASSWORD_MIN_LENGTH, type PasswordHasher } from '@tessera/wire';
import { ApiError } from '../core/api-error';

/**
 * Passwords, only ever as digests. tessera's own are scrypt (RFC 7914); imported bcrypt and argon2
 * digests are checked with their native bindings. All three run in libuv's thread pool, so a check
 * never holds up the event loop; the bindings load on first use, not at start. An imported digest's
 * cost is bounded on import, so no digest can make a check run for minutes or allocate gigabytes.
 * Nothing here ever logs, returns or puts a password or a digest in an error.
 */

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds), written into each digest. */
const SCRYPT = { logN: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const SCRYPT_DIGEST =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
/** What a stored scrypt digest may ask for: at most 128 x 2^17 x 16 B = 256 MiB. */
const SCRYPT_LIMITS = { maxLogN: 17, maxR: 16, maxP: 4 } as const;

const BCRYPT_DIGEST = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
/** bcrypt costs an import may carry: 2^14 rounds take about a second. */
const BCRYPT_COST = { min: 4, max: 14 } as const;

const ARGON2_DIGEST =
  /^\$(argon2id|argon2i)\$v=(16|19)\$([a-z]=\d{1,7}(?:,[a-z]=\d{1,7}){2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;
/** argon2 parameters an import may carry: memory in KiB (at most 256 MiB), passes, lanes. */
const ARGON2_LIMITS = { maxMemoryKiB: 262_144, maxPasses: 10, maxLanes: 16 } as const;

/** Why an imported digest is refused, or undefined when tessera can check passwords against it. */
function importedDigestProblem(hasher: PasswordHasher, digest: string): string | undefined {
  if (hasher === 'bcrypt') {
    const cost = BCRYPT_DIGEST.exec(digest)?.[1];
    if (cost === undefined) return 'is not a bcrypt digest ($2a$, $2b$ or $2y$)';
    const rounds = Number(cost);
    return rounds < BCRYPT_COST.min || rounds > BCRYPT_COST.max
      ? `has a bcrypt cost of ${rounds}; tessera takes ${BCRYPT_COST.min} to ${BCRYPT_COST.max}`
      : undefined;
  }
  const parts = ARGON2_DIGEST.exec(digest);
  if (!parts || parts[1] !== hasher) return `is not an ${hasher} digest in the PHC string format`;
  const params = new Map(parts[3]!.split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const));
  const m = params.get('m');
  const t = params.get('t');
  const p = params.get('p');
  if (params.size !== 3 || m === undefined || t === undefined || p === undefined) {
    return 'must give each of m, t and p once';
  }
  if (p < 1 || p > ARGON2_LIMITS.maxLanes || t < 1 || t > ARGON2_LIMITS.maxPasses) {
    return `must have 1 to ${ARGON2_LIMITS.maxPasses} passes (t) and 1 to ${ARGON2_LIMITS.maxLanes} lanes (p)`;
  }
  if (m < 8 * p || m > ARGON2_LIMITS.maxMemoryKiB) {
    return `must use 8p to ${ARGON2_LIMITS.maxMemoryKiB} KiB of memory (m)`;
  }
  return undefined;
}

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

async function scryptMatches(digest: string, password: string): Promise<boolean> {
  const parts = SCRYPT_DIGEST.exec(digest);
  if (!parts) return false;
  const [, logN, r, p, salt, expected] = parts.map(String);
  // Bounded as imports are: a digest edited in the database must not ask for gigabytes.
  if (
    Number(logN) > SCRYPT_LIMITS.maxLogN ||
    Number(r) > SCRYPT_LIMITS.maxR ||
    Number(p) > SCRYPT_LIMITS.maxP
  ) {
    return false;
  }
  const key = await scryptAsync(password, Buffer.from(salt!, 'base64'), Number(logN), Number(r), Number(p));
  const want = Buffer.from(expected!, 'base64');
  return key.length === want.length && timingSafeEqual(key, want);
}

/**
 * Whether `password` matches a stored digest of any hasher tessera keeps. A digest no check can use
 * (written to the database by hand, say) matches nothing: it is never an error with the digest in it.
 */
export async function passwordMatches(digest: string, hasher: string, password: string): Promise<boolean> {
  try {
    if (hasher === 'scrypt') return await scryptMatches(digest, password);
    if (hasher === 'bcrypt' || hasher === 'argon2i' || hasher === 'argon2id') {
      if (importedDigestProblem(hasher, digest) !== undefined) return false;
      if (hasher === 'bcrypt') return await (await import('bcrypt')).default.compare(password, digest);
      return await (await import('argon2')).default.verify(digest, password);
    }
    return false;
  } catch {
    return false;
  }
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
  const problem = importedDigestProblem(hasher, digest);
  if (problem) throw ApiError.invalidParam('password_digest', `password_digest ${problem}.`);
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
