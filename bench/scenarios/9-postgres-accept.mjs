import { availableParallelism } from 'node:os';
import { cpuRows } from '../lib/cpu-meter.mjs';
import { createSigningKey, signRate } from '../lib/jwt.mjs';
import { POOL_SIZE } from '../lib/postgres.mjs';
import {
  acceptRequests,
  checkFloorStatements,
  floorLoad,
  httpLoad,
  measureInTurn,
  NODES,
  postgresPlan,
  startCluster,
  TicketQueue,
  ticketsFor,
} from '../lib/postgres-cluster.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { callApi, createUsers } from '../lib/tessera-api.mjs';
import { CONNECTIONS } from '../lib/tessera-load.mjs';

const TARGET = { on: 'ratio', op: '>=', value: 0.7, text: '>= 0.70x' };
const SIGN_FLOOR = 'RSA-2048 sign, 1 core';

/** Median over rounds of a's rate ÷ b's, the two having taken turns in each round. */
const roundRatio = (a, b) => median(a.perRun.map((rate, round) => rate / b.perRun[round]));

export default {
  id: 9,
  title: 'POST /v1/tickets/accept on Postgres, one node and two',
  profiled: true,
  async run({ quick, profile, log }) {
    const plan = postgresPlan(quick);
    const floorMs = quick ? 100 : 250;
    const key = createSigningKey();
    signRate(key, 50);
    // No accept outpaces every core signing: tickets for the warm-up, before any rate is known.
    const bound = signRate(key, floorMs) * availableParallelism();
    const cluster = await startCluster(log);
    try {
      const { nodes, pool } = cluster;
      const userIds = await createUsers(nodes[0], 100);
      const first = new TicketQueue(pool, userIds);
      await first.topUp(2);
      // The first through the API, so a ticket the server cannot read says so; the second is recorded:
      // what tessera sends to Postgres for it is what the floor issues.
      await callApi({ url: nodes[1].url }, 'POST', '/v1/tickets/accept', { ticket: first.take() });
      await checkFloorStatements(nodes[0], 'accept', () =>
        callApi({ url: nodes[0].url }, 'POST', '/v1/tickets/accept', { ticket: first.take() }),
      );
      const floors = await cluster.startFloors({ kind: 'accept', userIds });

      /** A tessera load over `servers` with tickets of its own, topped up before each segment. */
      const tesseraLoad = (name, servers, extra = {}) => {
        const queue = new TicketQueue(pool, userIds);
        return httpLoad(name, servers, acceptRequests(queue), {
          ...extra,
          dry: () => queue.dry,
          prepare: async (durationMs, peak) => {
            const needed = ticketsFor(durationMs, peak, bound);
            if (queue.remaining < needed) await queue.topUp(needed - queue.remaining);
          },
        });
      };
      /** The floor's tickets are inserted by its processes, each its share. */
      const acceptFloor = (name, children) =>
        floorLoad(name, children, {
          prepare: async (durationMs, peak) => {
            const count = Math.ceil(ticketsFor(durationMs, peak, bound) / children.length);
            for (const child of children) await child.command('tickets', { count });
          },
        });
      const loads = [
        tesseraLoad('tessera, 1 node', [nodes[0]], { profilePath: profile?.path }),
        acceptFloor('pg floor, 1 process', [floors[0]]),
        tesseraLoad(`tessera, ${NODES} nodes`, nodes),
        acceptFloor(`pg floor, ${NODES} processes`, floors),
      ];
      // The signing floor is measured right after each segment of tessera's load, in this process.
      const signFloors = new Map([
        [0, []],
        [2, []],
      ]);
      log(
        `1 node, its pg floor, ${NODES} nodes, theirs, in turn: ${CONNECTIONS} connections (or steps in flight) in all, ${plan.rounds} x ${plan.segmentMs} ms each, signing floor after each node segment`,
      );
      const [one, floorOne, two, floorTwo] = await measureInTurn(loads, plan, {
        cpu: cluster.cpu,
        afterSegment: (index) => signFloors.get(index)?.push(signRate(key, floorMs)),
      });
      profile?.record('tessera node 1 serving POST /v1/tickets/accept on Postgres');
      const signs = { perRun: signFloors.get(0) };
      const signsTwo = { perRun: signFloors.get(2) };
      const details = {
        connections: CONNECTIONS,
        poolSize: POOL_SIZE,
        plan,
        one,
        floorOne,
        two,
        floorTwo,
        signFloors: Object.fromEntries(signFloors),
      };
      const pgFloor = (processes) => `pg floor, ${processes}, pool ${POOL_SIZE} each`;
      return [
        row({
          scenario: 9,
          metric: 'accept on Postgres, 1 node, throughput',
          ours: { value: median(one.perRun), unit: 'req/s' },
          baseline: { value: median(signs.perRun), unit: 'sign/s', name: SIGN_FLOOR },
          ratio: roundRatio(one, signs),
          target: TARGET,
          details,
        }),
        row({
          scenario: 9,
          metric: `accept on Postgres, 1 node, p99 at ${CONNECTIONS} connections`,
          ours: { value: one.latencyMs.p99, unit: 'ms' },
          baseline: { value: floorOne.latencyMs.p99, unit: 'ms', name: pgFloor('1 process') },
          ratio: one.latencyMs.p99 / floorOne.latencyMs.p99,
        }),
        row({
          scenario: 9,
          metric: `accept on Postgres, ${NODES} nodes, throughput`,
          ours: { value: median(two.perRun), unit: 'req/s' },
          baseline: { value: median(signsTwo.perRun), unit: 'sign/s', name: SIGN_FLOOR },
          ratio: roundRatio(two, signsTwo),
          target: TARGET,
        }),
        row({
          scenario: 9,
          metric: `accept on Postgres, ${NODES} nodes, p99 at ${CONNECTIONS} connections`,
          ours: { value: two.latencyMs.p99, unit: 'ms' },
          baseline: { value: floorTwo.latencyMs.p99, unit: 'ms', name: pgFloor(`${NODES} processes`) },
          ratio: two.latencyMs.p99 / floorTwo.latencyMs.p99,
        }),
        row({
          scenario: 9,
          metric: 'accept on Postgres, 1 node, vs its statements alone',
          ours: { value: median(one.perRun), unit: 'req/s' },
          baseline: { value: median(floorOne.perRun), unit: 'op/s', name: pgFloor('1 process') },
          ratio: roundRatio(one, floorOne),
        }),
        row({
          scenario: 9,
          metric: `accept on Postgres, ${NODES} nodes, vs their statements alone`,
          ours: { value: median(two.perRun), unit: 'req/s' },
          baseline: { value: median(floorTwo.perRun), unit: 'op/s', name: pgFloor(`${NODES} processes`) },
          ratio: roundRatio(two, floorTwo),
        }),
        row({
          scenario: 9,
          metric: "accept's statements alone (1 process) vs the signing floor",
          ours: { value: median(floorOne.perRun), unit: 'op/s' },
          baseline: { value: median(signs.perRun), unit: 'sign/s', name: SIGN_FLOOR },
          // The ceiling Postgres puts on accept here: below 0.7x, the target cannot be met on this host.
          ratio: roundRatio(floorOne, signs),
        }),
        ...cpuRows(9, 'accept on Postgres, 1 node', one, floorOne),
        row({
          scenario: 9,
          metric: `accept on Postgres, ${NODES} nodes vs 1`,
          ours: { value: median(two.perRun), unit: 'req/s' },
          baseline: { value: median(one.perRun), unit: 'req/s', name: '1 node' },
          ratio: roundRatio(two, one),
        }),
      ];
    } finally {
      await cluster.close();
    }
  },
};
