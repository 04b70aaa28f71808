import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { ServerContext } from '../core/context';
import {
  completeIdempotencyKey,
  findIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  reserveIdempotencyKey,
} from '../store/idempotency-store';
import type { HttpResponse } from './types';
import { RequestError } from './wire-errors';

const RETENTION_MS = 24 * 3600 * 1000;
/** A first request still running after this long is taken as crashed, and its key is freed. */
const ABANDONED_AFTER_MS = 30_000;
const WAIT_STEP_MS = 25;

/**
 * Replies to creates are kept 24 h so a retry gets the first reply. A reply can hold a ticket, so it
 * is stored encrypted under a key derived from the Idempotency-Key, which is itself stored only as a
 * hash: the database alone cannot reveal a ticket.
 */
function derive(idempotencyKey: string, scope: string) {
  return {
    lookup: createHash('sha256')
      .update(`tessera idempotency lookup\n${scope}\n${idempotencyKey}`)
      .digest('hex'),
    sealingKey: createHmac('sha256', idempotencyKey).update(`tessera idempotency seal\n${scope}`).digest(),
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

function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body)}`)
    .digest('hex');
}

export function validateIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > 255) {
    throw RequestError.of(
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
    readonly method: string;
    readonly path: string;
    readonly body: unknown;
  },
  execute: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  validateIdempotencyKey(request.idempotencyKey);
  const { lookup, sealingKey } = derive(request.idempotencyKey, `${request.method} ${request.path}`);
  const fingerprint = requestFingerprint(request.method, request.path, request.body);

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
      throw RequestError.of(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        { param_name: 'Idempotency-Key' },
      );
    }
    if (existing.response_sealed !== null) return unseal(sealingKey, existing.response_sealed);
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
