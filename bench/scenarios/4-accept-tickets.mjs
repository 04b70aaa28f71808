import { availableParallelism } from 'node:os';
import { createSigningKey, signRate } from '../lib/jwt.mjs';
import { startServerProcess } from '../lib/processes.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { createUsers } from '../lib/tessera-api.mjs';
import { acceptLoad, CONNECTIONS, loadPlan, measureInTurn } from '../lib/tessera-load.mjs';

export default {
  id: 4,
  title: 'POST /v1/tickets/accept over HTTP (ticket -> session + signed JWT)',
  profiled: true,
  async run({ quick, tmpDir, profile, log }) {
    const plan = loadPlan(quick);
    const floorMs = quick ? 100 : 250;
    const key = createSigningKey();
    signRate(key, 50);
    // The floor is measured between the segments of load, so both see the same machine.
    const floors = [signRate(key, floorMs)];

    const dbPath = `${tmpDir}/tessera.db`;
    const tessera = await startServerProcess('tessera', { databaseUrl: `file:${dbPath}` });
    try {
      const userIds = await createUsers(tessera, 100);
      const load = await acceptLoad('tessera', tessera, {
        dbPath,
        userIds,
        plan,
        maxRate: floors[0] * availableParallelism(),
      });
      log(
        `tessera: ${CONNECTIONS} connections, ${plan.rounds} x ${plan.segmentMs} ms, signing floor in between`,
      );
      const [ours] = await measureInTurn([{ ...load, profilePath: profile?.path }], plan, {
        between: () => floors.push(signRate(key, floorMs)),
      });
      profile?.record('tessera serving POST /v1/tickets/accept');
      const floor = median(floors);
      return [
        row({
          scenario: 4,
          metric: 'accept tickets (session + RS256 JWT), throughput',
          ours: { value: median(ours.perRun), unit: 'req/s' },
          baseline: { value: floor, unit: 'sign/s', name: 'RSA-2048 sign, 1 core' },
          // Round by round, against the floor measured right after each round of load.
          ratio: median(ours.perRun.map((rate, round) => rate / floors[round + 1])),
          target: { on: 'ratio', op: '>=', value: 0.7, text: '>= 0.70x' },
          details: { connections: CONNECTIONS, plan, ours, floors, poolSize: load.poolSize },
        }),
        row({
          scenario: 4,
          metric: `accept tickets, p99 at ${CONNECTIONS} connections`,
          ours: { value: ours.latencyMs.p99, unit: 'ms' },
        }),
      ];
    } finally {
      await tessera.stop();
    }
  },
};
