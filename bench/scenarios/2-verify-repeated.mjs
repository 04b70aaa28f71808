import { documentedCalls } from '../lib/documented-calls.mjs';
import { settledHeapBytes } from '../lib/heap.mjs';
import { createSigningKey, floorVerify, sessionClaims, signJwt } from '../lib/jwt.mjs';
import { row } from '../lib/report.mjs';
import { median, rateOf, rateOfSync } from '../lib/stats.mjs';

const ISSUER = 'http://127.0.0.1:4000';
/** Ours, as the README writes each call. */
const OURS = ['verifyToken', 'authenticateRequest', 'express', 'fastify', 'hono'];
/** Requests bearing the token, taken in turn: each its own object and header string, as on the wire. */
const REQUESTS = 256;

/**
 * The cache must never outlive `exp`: a JWT verified (and cached) a moment before it expires is
 * refused from the moment it does, with no skew and with the default 5 s skew. Time is injected;
 * the options are written anew on every call, as the README writes them.
 */
async function refusesAtExpiry(sdk, key) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = sessionClaims({ issuer: ISSUER, nowSeconds, lifetimeSeconds: 60, index: 0 });
  const token = signJwt(key, claims);
  const expiresAt = claims.exp * 1000;
  for (const skew of [0, 5000]) {
    let now = expiresAt - 30_000;
    const clock = { now: () => now };
    const accepts = () =>
      sdk.verifyToken(token, { jwtKey: process.env.TESSERA_JWT_KEY, clock, clockSkewInMs: skew }).then(
        () => true,
        () => false,
      );
    if (!(await accepts()) || !(await accepts())) return false;
    now = expiresAt + skew - 1;
    if (!(await accepts())) return false;
    now = expiresAt + skew;
    if (await accepts()) return false;
  }
  return true;
}

export default {
  id: 2,
  title: 'verifyToken, authenticateRequest and the adapters, the same JWT repeatedly',
  async run({ quick }) {
    const key = createSigningKey();
    const claims = sessionClaims({
      issuer: ISSUER,
      nowSeconds: Math.floor(Date.now() / 1000),
      lifetimeSeconds: 3600,
      index: 1,
    });
    const token = signJwt(key, claims);
    const { sdk, calls, restore } = await documentedCalls(key.publicPem);
    try {
      const inputs = {};
      for (const name of OURS) {
        inputs[name] = Array.from({ length: REQUESTS }, () => calls[name].prepare(token));
        if ((await calls[name].sub(inputs[name][0])) !== claims.sub) {
          throw new Error(`${name} returned the wrong user`);
        }
      }
      const step = (name) => {
        const call = calls[name].call;
        const list = inputs[name];
        return (i) => call(list[i % REQUESTS]);
      };

      const rounds = quick ? 3 : 5;
      const roundMs = quick ? 100 : 400;
      const floorRates = [];
      const rates = Object.fromEntries(OURS.map((name) => [name, []]));
      let callCount = 0;
      const heapBefore = settledHeapBytes();
      for (let round = 0; round < rounds; round++) {
        floorRates.push(rateOfSync(() => floorVerify(token, key), { durationMs: roundMs / 4 }));
        for (let i = 0; i < OURS.length; i++) {
          const name = OURS[(round + i) % OURS.length];
          const rate = await rateOf(step(name), { durationMs: roundMs, batch: REQUESTS });
          rates[name].push(rate);
          callCount += Math.round((rate * roundMs) / 1000);
        }
      }
      const heapGrowthMb = (settledHeapBytes() - heapBefore) / 1e6;
      const floor = { value: median(floorRates), unit: 'verif/s', name: 'floor, as in 1' };
      const expiryHonoured = await refusesAtExpiry(sdk, key);
      return [
        ...OURS.map((name, index) =>
          row({
            scenario: 2,
            metric: `${calls[name].label}, same JWT repeatedly`,
            ours: { value: median(rates[name]), unit: 'verif/s' },
            baseline: floor,
            ratio: median(rates[name]) / floor.value,
            target: { on: 'ours', op: '>=', value: 1_000_000, text: '>= 1,000,000/s' },
            details: index === 0 ? { rounds, ratesPerRound: rates, floorRates } : undefined,
          }),
        ),
        row({
          scenario: 2,
          metric: 'cached JWT refused the moment it expires',
          ours: { value: expiryHonoured },
          target: { on: 'ours', op: '==', value: true, text: 'yes' },
        }),
        row({
          scenario: 2,
          metric: `heap growth over ${(callCount / 1e6).toFixed(1)}M calls`,
          ours: { value: heapGrowthMb, unit: 'MB' },
          target: { on: 'ours', op: '<=', value: 2, text: '<= 2 MB' },
        }),
      ];
    } finally {
      restore();
    }
  },
};
