import { settledHeapBytes } from '../lib/heap.mjs';
import { createSigningKey, floorVerify, sessionClaims, signJwt } from '../lib/jwt.mjs';
import { row } from '../lib/report.mjs';
import { loadTesseraSdk } from '../lib/sdk.mjs';
import { median, rateOf, rateOfSync } from '../lib/stats.mjs';

const ISSUER = 'http://127.0.0.1:4000';

/**
 * The cache must never outlive `exp`: a JWT verified (and cached) a moment before it expires is
 * refused from the moment it does, with no skew and with the default 5 s skew. Time is injected.
 */
async function refusesAtExpiry(sdk, key) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = sessionClaims({ issuer: ISSUER, nowSeconds, lifetimeSeconds: 60, index: 0 });
  const token = signJwt(key, claims);
  const expiresAt = claims.exp * 1000;
  const accepts = (options) =>
    sdk.verifyToken(token, options).then(
      () => true,
      () => false,
    );
  for (const skew of [0, 5000]) {
    let now = expiresAt - 30_000;
    const options = { jwtKey: key.publicPem, clock: { now: () => now }, clockSkewInMs: skew };
    if (!(await accepts(options)) || !(await accepts(options))) return false;
    now = expiresAt + skew - 1;
    if (!(await accepts(options))) return false;
    now = expiresAt + skew;
    if (await accepts(options)) return false;
  }
  return true;
}

export default {
  id: 2,
  title: 'verifyToken, the same JWT repeatedly',
  async run({ quick }) {
    const sdk = await loadTesseraSdk();
    const key = createSigningKey();
    const claims = sessionClaims({
      issuer: ISSUER,
      nowSeconds: Math.floor(Date.now() / 1000),
      lifetimeSeconds: 3600,
      index: 1,
    });
    const token = signJwt(key, claims);
    const options = { jwtKey: key.publicPem };
    await sdk.verifyToken(token, options);

    const rounds = quick ? 3 : 5;
    const roundMs = quick ? 150 : 800;
    const floorRates = [];
    const ourRates = [];
    let calls = 0;
    const heapBefore = settledHeapBytes();
    for (let round = 0; round < rounds; round++) {
      floorRates.push(rateOfSync(() => floorVerify(token, key), { durationMs: roundMs / 4 }));
      const rate = await rateOf(() => sdk.verifyToken(token, options), { durationMs: roundMs, batch: 256 });
      ourRates.push(rate);
      calls += Math.round((rate * roundMs) / 1000);
    }
    const heapGrowthMb = (settledHeapBytes() - heapBefore) / 1e6;
    const floor = median(floorRates);
    const ours = median(ourRates);
    const expiryHonoured = await refusesAtExpiry(sdk, key);
    return [
      row({
        scenario: 2,
        metric: 'verifyToken, same JWT repeatedly',
        ours: { value: ours, unit: 'verif/s' },
        baseline: { value: floor, unit: 'verif/s', name: 'floor, as in 1' },
        ratio: ours / floor,
        target: { on: 'ours', op: '>=', value: 1_000_000, text: '>= 1,000,000/s' },
        details: { rounds, ourRates, floorRates },
      }),
      row({
        scenario: 2,
        metric: 'cached JWT refused the moment it expires',
        ours: { value: expiryHonoured },
        target: { on: 'ours', op: '==', value: true, text: 'yes' },
      }),
      row({
        scenario: 2,
        metric: `heap growth over ${(calls / 1e6).toFixed(1)}M verifications`,
        ours: { value: heapGrowthMb, unit: 'MB' },
        target: { on: 'ours', op: '<=', value: 2, text: '<= 2 MB' },
      }),
    ];
  },
};
