import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import {
  completeIdempotencyKey,
  findIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  reserveIdempotencyKey,
} from '../store/idempotency-store';
import type { HttpResponse } from './types';

const RETENTION_MS = 24 * 3600 * 1000;
/** A first request still running after this long is taken as crashed, and its key is freed. */
const ABANDONED_AFTER_MS = 30_000;
const WAIT_STEP_MS = 25;

/**
 * Replies to creates are kept 24 h so a retry gets the first reply. A reply can hold a ticket, so it
 * is stored encrypted under a key derived from the caller's secret key and the Idempotency-Key. The
 * database holds neither (only hashes), so even a guessable Idempotency-Key reveals no ticket to
 * someone holding only the database.
 */
function derive(idempotencyKey: string, scope: string, secretKey: string) {
  return {
    lookup: createHash('sha256')
      .update(`tessera idempotency lookup\n${scope}\n${idempotencyKey}`)
      .digest('hex'),
    sealingKey: createHmac('sha256', secretKey)
      .update(`tessera idempotency seal\n${scope}\n${idempotencyKey}`)
      .digest(),
    fingerprintKey: createHmac('sha256', secretKey)
      .update(`tessera idempotency fingerprint\n${scope}\n${idempotencyKey}`)
      .digest(),
  };
}

function seal(key: Buffer, response: HttpResponse): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(response)), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

function unseal(key: Buffer, sealed: string): HttpResponse {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(
    Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(),
  ) as HttpResponse;
}

/**
 * Keyed (by a key of its own, derived from the secret key and the idempotency key): a body may hold
 * a password, and a plain hash of it in the database could be guessed offline.
 */
function requestFingerprint(key: Buffer, scope: string, body: unknown): string {
  return createHmac('sha256', key)
    .update(`tessera idempotency request\n${scope}\n${JSON.stringify(body)}`)
    .digest('hex');
}

export function validateIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > 255) {
    throw new ApiError(
      'form_param_value_invalid',
      'The Idempotency-Key header must be 1 to 255 characters.',
      {
        param_name: 'Idempotency-Key',
      },
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `execute` once per (key, endpoint): a repeat with the same body gets the first reply, a
 * repeat with another body is refused, and a repeat that arrives while the first is running waits for it.
 */
export async function withIdempotency(
  ctx: ServerContext,
  request: {
    readonly idempotencyKey: string;
    /** The endpoint: route pattern and parameters. */
    readonly scope: string;
    /** The secret key the request was authenticated with. */
    readonly secretKey: string;
    readonly body: unknown;
  },
  execute: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  validateIdempotencyKey(request.idempotencyKey);
  const { lookup, sealingKey, fingerprintKey } = derive(
    request.idempotencyKey,
    request.scope,
    request.secretKey,
  );
  const fingerprint = requestFingerprint(fingerprintKey, request.scope, request.body);

  for (;;) {
    const now = ctx.clock.now();
    const reserved = await reserveIdempotencyKey(ctx.db, {
      key_hash: lookup,
      request_hash: fingerprint,
      created_at: now,
      expires_at: now + RETENTION_MS,
    });
    if (reserved) break;
    const existing = await findIdempotencyKey(ctx.db, lookup);
    if (!existing) continue;
    if (existing.expires_at <= now) {
      await purgeExpiredIdempotencyKeys(ctx.db, now);
      continue;
    }
    if (existing.request_hash !== fingerprint) {
      throw new ApiError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        { param_name: 'Idempotency-Key' },
      );
    }
    if (existing.response_sealed !== null) {
      try {
        return unseal(sealingKey, existing.response_sealed);
      } catch {
        // Sealed under another secret key (the instance's key was replaced since): not this caller's reply.
        throw new ApiError(
          'idempotency_key_reused',
          'This Idempotency-Key was already used with another secret key. Use a new key for a new request.',
          { param_name: 'Idempotency-Key' },
        );
      }
    }
    if (now - existing.created_at > ABANDONED_AFTER_MS) await releaseIdempotencyKey(ctx.db, lookup);
    else await sleep(WAIT_STEP_MS);
  }

  let response: HttpResponse;
  try {
    response = await execute();
  } catch (error) {
    // A failed first attempt keeps nothing, so a corrected retry with the same key can succeed.
    await releaseIdempotencyKey(ctx.db, lookup);
    throw error;
  }
  await completeIdempotencyKey(ctx.db, lookup, response.status, seal(sealingKey, response));
  return response;
}
