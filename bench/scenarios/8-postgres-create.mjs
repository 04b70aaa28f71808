import { cpuRows } from '../lib/cpu-meter.mjs';
import { POOL_SIZE } from '../lib/postgres.mjs';
import {
  checkFloorStatements,
  createOnce,
  createRequests,
  floorLoad,
  httpLoad,
  measureInTurn,
  NODES,
  postgresPlan,
  startCluster,
} from '../lib/postgres-cluster.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { createUsers } from '../lib/tessera-api.mjs';
import { CONNECTIONS } from '../lib/tessera-load.mjs';

const TARGET = { on: 'ratio', op: '>=', value: 0.5, text: '>= 0.50x' };

/** Median over rounds of a's rate ÷ b's, the two having taken turns in each round. */
const roundRatio = (a, b) => median(a.perRun.map((rate, round) => rate / b.perRun[round]));

export default {
  id: 8,
  title: 'POST /v1/test_session_tokens on Postgres, one node and two',
  profiled: true,
  async run({ quick, profile, log }) {
    const plan = postgresPlan(quick);
    const cluster = await startCluster(log);
    try {
      const { nodes, pool } = cluster;
      const userIds = await createUsers(nodes[0], 100);
      // One create as the SDK sends it (with an Idempotency-Key): what it sends is what the floor issues.
      await checkFloorStatements(nodes[0], 'create', () => createOnce(nodes[0], userIds[0]));
      const { rows } = await pool.query(
        'select max(length(response_sealed)) as length from idempotency_keys',
      );
      const floors = await cluster.startFloors({ kind: 'create', userIds, sealedLength: rows[0].length });

      const requests = createRequests(nodes[0].secretKey, userIds);
      const loads = [
        httpLoad('tessera, 1 node', [nodes[0]], requests, { profilePath: profile?.path }),
        floorLoad('pg floor, 1 process', [floors[0]]),
        httpLoad(`tessera, ${NODES} nodes`, nodes, requests),
        floorLoad(`pg floor, ${NODES} processes`, floors),
      ];
      log(
        `1 node, its floor, ${NODES} nodes, theirs, in turn: ${CONNECTIONS} connections (or steps in flight) in all, ${plan.rounds} x ${plan.segmentMs} ms each`,
      );
      const [one, floorOne, two, floorTwo] = await measureInTurn(loads, plan, { cpu: cluster.cpu });
      profile?.record('tessera node 1 serving POST /v1/test_session_tokens on Postgres');
      const details = { connections: CONNECTIONS, poolSize: POOL_SIZE, plan, one, floorOne, two, floorTwo };
      const floorName = (processes) => `pg floor, ${processes}, pool ${POOL_SIZE} each`;
      return [
        row({
          scenario: 8,
          metric: 'create on Postgres, 1 node, throughput',
          ours: { value: median(one.perRun), unit: 'req/s' },
          baseline: { value: median(floorOne.perRun), unit: 'op/s', name: floorName('1 process') },
          ratio: roundRatio(one, floorOne),
          target: TARGET,
          details,
        }),
        row({
          scenario: 8,
          metric: `create on Postgres, 1 node, p99 at ${CONNECTIONS} connections`,
          ours: { value: one.latencyMs.p99, unit: 'ms' },
          baseline: { value: floorOne.latencyMs.p99, unit: 'ms', name: floorName('1 process') },
          ratio: one.latencyMs.p99 / floorOne.latencyMs.p99,
        }),
        row({
          scenario: 8,
          metric: `create on Postgres, ${NODES} nodes, throughput`,
          ours: { value: median(two.perRun), unit: 'req/s' },
          baseline: { value: median(floorTwo.perRun), unit: 'op/s', name: floorName(`${NODES} processes`) },
          ratio: roundRatio(two, floorTwo),
          target: TARGET,
        }),
        row({
          scenario: 8,
          metric: `create on Postgres, ${NODES} nodes, p99 at ${CONNECTIONS} connections`,
          ours: { value: two.latencyMs.p99, unit: 'ms' },
          baseline: { value: floorTwo.latencyMs.p99, unit: 'ms', name: floorName(`${NODES} processes`) },
          ratio: two.latencyMs.p99 / floorTwo.latencyMs.p99,
        }),
        ...cpuRows(8, 'create on Postgres, 1 node', one, floorOne),
        row({
          scenario: 8,
          metric: `create on Postgres, ${NODES} nodes vs 1`,
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
