import { verifyToken as clerkVerifyToken } from '@clerk/backend';
import { importSPKI, jwtVerify } from 'jose';
import { documentedCalls } from '../lib/documented-calls.mjs';
import { createSigningKey, floorVerify, signDistinctJwts } from '../lib/jwt.mjs';
import { row } from '../lib/report.mjs';
import { median, rateOver, rateOverSync } from '../lib/stats.mjs';

const ISSUER = 'http://127.0.0.1:4000';
const CHUNK = 100;
/** Ours, as the README writes each call, against the floor. */
const OURS = ['verifyToken', 'authenticateRequest', 'express', 'fastify', 'hono'];

const tamper = (token) => `${token.slice(0, -6)}${token.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
const subOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

/** Every verifier must refuse a token whose signature was tampered with, or its speed means nothing. */
async function assertRefuses(name, check) {
  const refused = await Promise.resolve()
    .then(check)
    .then(
      () => false,
      () => true,
    );
  if (!refused) throw new Error(`${name} accepted a JWT with a tampered signature`);
}

export default {
  id: 1,
  title: 'verifyToken, authenticateRequest and the adapters, distinct RS256 JWTs, awaited in turn',
  async run({ quick, log }) {
    const key = createSigningKey();
    const rounds = quick ? 3 : 6;
    const perRound = quick ? 300 : 2000;
    const warmup = quick ? 200 : 1000;
    log(`signing ${warmup + rounds * perRound} distinct JWTs`);
    const tokens = await signDistinctJwts(key, warmup + rounds * perRound, { issuer: ISSUER });
    const joseKey = await importSPKI(key.publicPem, 'RS256');
    const clerkOptions = { jwtKey: key.publicPem };
    const { calls, restore } = await documentedCalls(key.publicPem, { ownCaches: true });
    try {
      // What each verifier is given per token: the token, or the request bearing it, built (untimed)
      // for one round's tokens at a time, so the heap holds a round's requests, not the run's.
      const prepare = { floor: (token) => token, jose: (token) => token, clerk: (token) => token };
      let inputs = {};
      let inputsFrom = 0;
      const prepareInputs = (from, to) => {
        inputs = Object.fromEntries(names.map((name) => [name, tokens.slice(from, to).map(prepare[name])]));
        inputsFrom = from;
      };
      const timedCall = {
        floor: (token) => floorVerify(token, key),
        jose: (token) => jwtVerify(token, joseKey, { algorithms: ['RS256'] }),
        clerk: (token) => clerkVerifyToken(token, clerkOptions),
      };
      const subFor = {
        floor: (token) => floorVerify(token, key).sub,
        jose: async (token) => (await timedCall.jose(token)).payload.sub,
        clerk: async (token) => (await timedCall.clerk(token)).sub,
      };
      for (const name of OURS) {
        prepare[name] = calls[name].prepare;
        timedCall[name] = calls[name].call;
        subFor[name] = calls[name].sub;
      }
      const names = ['floor', ...OURS, 'jose', 'clerk'];
      // The floor is synchronous and called as such; the others are awaited, one call after another.
      const timed = (name, from, to) => {
        const chunk = inputs[name].slice(from - inputsFrom, to - inputsFrom);
        return name === 'floor' ? rateOverSync(chunk, timedCall.floor) : rateOver(chunk, timedCall[name]);
      };

      prepareInputs(0, warmup);
      for (const name of names) {
        if ((await subFor[name](inputs[name][0])) !== subOf(tokens[0])) {
          throw new Error(`${name} returned the wrong user`);
        }
        await assertRefuses(name, () => subFor[name](prepare[name](tamper(tokens[1]))));
        await timed(name, 2, warmup);
      }

      // Each round gives every verifier the same slice of tokens none has seen, in chunks taken in
      // turn (in a rotating order), so a shared machine's drift hits all of them alike. A ratio is
      // the median over every turn of the two chunk rates' ratio: a chunk slowed by another process
      // moves one turn's ratio, not a round's.
      const rates = Object.fromEntries(names.map((name) => [name, []]));
      const turns = [];
      for (let round = 0; round < rounds; round++) {
        const first = warmup + round * perRound;
        prepareInputs(first, first + perRound);
        const seconds = Object.fromEntries(names.map((name) => [name, 0]));
        for (let start = first, turn = round; start < first + perRound; start += CHUNK, turn++) {
          const end = Math.min(start + CHUNK, first + perRound);
          const chunkRates = {};
          for (let i = 0; i < names.length; i++) {
            const name = names[(turn + i) % names.length];
            chunkRates[name] = await timed(name, start, end);
            seconds[name] += (end - start) / chunkRates[name];
          }
          turns.push(chunkRates);
        }
        for (const name of names) rates[name].push(perRound / seconds[name]);
      }
      const ratio = (name, to) => median(turns.map((turn) => turn[name] / turn[to]));
      const measured = (name) => ({ value: median(rates[name]), unit: 'verif/s' });
      const baseline = (name, label) => ({ ...measured(name), name: label });
      const floor = baseline('floor', 'node:crypto floor');
      const details = { rounds, tokensPerRound: perRound, turns: turns.length, ratesPerRound: rates };
      const vsFloor = (name, first) =>
        row({
          scenario: 1,
          metric: `${calls[name].label}, distinct JWTs vs the floor`,
          ours: measured(name),
          baseline: floor,
          ratio: ratio(name, 'floor'),
          target: { on: 'ratio', op: '>=', value: 0.9, text: '>= 0.90x' },
          details: first ? details : undefined,
        });
      return [
        vsFloor('verifyToken', true),
        row({
          scenario: 1,
          metric: 'verifyToken(jwt, { jwtKey }), distinct JWTs vs jose',
          ours: measured('verifyToken'),
          baseline: baseline('jose', 'jose.jwtVerify'),
          ratio: ratio('verifyToken', 'jose'),
          target: { on: 'ratio', op: '>=', value: 3, text: '>= 3.00x' },
        }),
        row({
          scenario: 1,
          metric: 'verifyToken(jwt, { jwtKey }), distinct JWTs vs @clerk/backend',
          ours: measured('verifyToken'),
          baseline: baseline('clerk', '@clerk/backend'),
          ratio: ratio('verifyToken', 'clerk'),
          target: { on: 'ratio', op: '>=', value: 5, text: '>= 5.00x' },
        }),
        ...OURS.slice(1).map((name) => vsFloor(name, false)),
      ];
    } finally {
      restore();
    }
  },
};
