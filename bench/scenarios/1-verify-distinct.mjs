import { verifyToken as clerkVerifyToken } from '@clerk/backend';
import { importSPKI, jwtVerify } from 'jose';
import { createSigningKey, floorVerify, signDistinctJwts } from '../lib/jwt.mjs';
import { row } from '../lib/report.mjs';
import { loadTesseraSdk } from '../lib/sdk.mjs';
import { median, rateOver, rateOverSync } from '../lib/stats.mjs';

const ISSUER = 'http://127.0.0.1:4000';
const CHUNK = 100;

/** Every verifier must refuse a token whose signature was tampered with, or its speed means nothing. */
async function assertRefusesTampered(name, verify, token) {
  const tampered = `${token.slice(0, -6)}${token.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
  const refused = await Promise.resolve()
    .then(() => verify(tampered))
    .then(
      () => false,
      () => true,
    );
  if (!refused) throw new Error(`${name} accepted a JWT with a tampered signature`);
}

export default {
  id: 1,
  title: 'verifyToken, distinct RS256 JWTs, awaited in turn',
  async run({ quick, log }) {
    const sdk = await loadTesseraSdk();
    const key = createSigningKey();
    const rounds = quick ? 3 : 6;
    const perRound = quick ? 300 : 2000;
    const warmup = quick ? 200 : 1000;
    log(`signing ${warmup + rounds * perRound} distinct JWTs`);
    const tokens = await signDistinctJwts(key, warmup + rounds * perRound, { issuer: ISSUER });
    const joseKey = await importSPKI(key.publicPem, 'RS256');
    const oursOptions = { jwtKey: key.publicPem };
    const clerkOptions = { jwtKey: key.publicPem };
    const verifiers = {
      floor: (token) => floorVerify(token, key),
      ours: (token) => sdk.verifyToken(token, oursOptions),
      jose: (token) => jwtVerify(token, joseKey, { algorithms: ['RS256'] }),
      clerk: (token) => clerkVerifyToken(token, clerkOptions),
    };
    const names = Object.keys(verifiers);
    // The floor is synchronous and called as such; the SDKs are awaited, one call after another.
    const timed = (name, chunk) =>
      name === 'floor' ? rateOverSync(chunk, verifiers.floor) : rateOver(chunk, verifiers[name]);

    for (const name of names) {
      const claims = await verifiers[name](tokens[0]);
      const sub = claims.payload?.sub ?? claims.sub;
      if (sub !== JSON.parse(Buffer.from(tokens[0].split('.')[1], 'base64url').toString()).sub) {
        throw new Error(`${name} returned the wrong claims`);
      }
      await assertRefusesTampered(name, verifiers[name], tokens[1]);
      await timed(name, tokens.slice(2, warmup));
    }

    // Each round gives every verifier the same slice of tokens none has seen, in chunks taken in
    // turn (in a rotating order), so a shared machine's drift hits all of them alike.
    const rates = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      const slice = tokens.slice(warmup + round * perRound, warmup + (round + 1) * perRound);
      const seconds = Object.fromEntries(names.map((name) => [name, 0]));
      for (let start = 0, turn = round; start < slice.length; start += CHUNK, turn++) {
        const chunk = slice.slice(start, start + CHUNK);
        for (let i = 0; i < names.length; i++) {
          const name = names[(turn + i) % names.length];
          seconds[name] += chunk.length / (await timed(name, chunk));
        }
      }
      for (const name of names) rates[name].push(slice.length / seconds[name]);
    }
    const ratioTo = (name) => median(rates.ours.map((ours, round) => ours / rates[name][round]));
    const ours = { value: median(rates.ours), unit: 'verif/s' };
    const baseline = (name, label) => ({ value: median(rates[name]), unit: 'verif/s', name: label });
    const details = { rounds, tokensPerRound: perRound, ratesPerRound: rates };
    return [
      row({
        scenario: 1,
        metric: 'verifyToken, distinct JWTs vs the floor',
        ours,
        baseline: baseline('floor', 'node:crypto floor'),
        ratio: ratioTo('floor'),
        target: { on: 'ratio', op: '>=', value: 0.8, text: '>= 0.80x' },
        details,
      }),
      row({
        scenario: 1,
        metric: 'verifyToken, distinct JWTs vs jose',
        ours,
        baseline: baseline('jose', 'jose.jwtVerify'),
        ratio: ratioTo('jose'),
        target: { on: 'ratio', op: '>=', value: 3, text: '>= 3.00x' },
      }),
      row({
        scenario: 1,
        metric: 'verifyToken, distinct JWTs vs @clerk/backend',
        ours,
        baseline: baseline('clerk', '@clerk/backend'),
        ratio: ratioTo('clerk'),
        target: { on: 'ratio', op: '>=', value: 5, text: '>= 5.00x' },
      }),
    ];
  },
};
