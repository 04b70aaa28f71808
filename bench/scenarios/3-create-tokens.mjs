import { startServerProcess } from '../lib/processes.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { callApi, createUsers } from '../lib/tessera-api.mjs';
import { CONNECTIONS, createLoad, loadPlan, measureInTurn } from '../lib/tessera-load.mjs';

export default {
  id: 3,
  title: 'POST /v1/test_session_tokens over HTTP, file SQLite (WAL)',
  profiled: true,
  async run({ quick, tmpDir, profile, log }) {
    const plan = loadPlan(quick);
    const tessera = await startServerProcess('tessera', { databaseUrl: `file:${tmpDir}/tessera.db` });
    let bare;
    try {
      const userIds = await createUsers(tessera, 100);
      // The bare server answers with a real reply, so both put the same bytes on the wire.
      const reply = await callApi(tessera, 'POST', '/v1/test_session_tokens', { user_id: userIds[0] });
      bare = await startServerProcess('bare', { body: reply.text });
      const ours = { ...createLoad('tessera', tessera, userIds), profilePath: profile?.path };
      // The same requests, secret key included, to a server that ignores them.
      const baseline = createLoad('bare node:http', bare, userIds, tessera.secretKey);
      log(
        `tessera and bare node:http in turn: ${CONNECTIONS} connections, ${plan.rounds} x ${plan.segmentMs} ms each`,
      );
      const [oursResult, bareResult] = await measureInTurn([ours, baseline], plan);
      profile?.record('tessera serving POST /v1/test_session_tokens');
      const details = { connections: CONNECTIONS, plan, ours: oursResult, baseline: bareResult };
      return [
        row({
          scenario: 3,
          metric: 'create test session tokens, throughput',
          ours: { value: median(oursResult.perRun), unit: 'req/s' },
          baseline: { value: median(bareResult.perRun), unit: 'req/s', name: 'bare node:http' },
          // Round by round: the two took turns, so each round's ratio saw one state of the machine.
          ratio: median(oursResult.perRun.map((rate, round) => rate / bareResult.perRun[round])),
          target: { on: 'ratio', op: '>=', value: 0.25, text: '>= 0.25x' },
          details,
        }),
        row({
          scenario: 3,
          metric: `create test session tokens, p99 at ${CONNECTIONS} connections`,
          ours: { value: oursResult.latencyMs.p99, unit: 'ms' },
          baseline: { value: bareResult.latencyMs.p99, unit: 'ms', name: 'bare node:http' },
          ratio: oursResult.latencyMs.p99 / bareResult.latencyMs.p99,
          target: { on: 'ours', op: '<=', value: 10, text: '<= 10 ms' },
        }),
      ];
    } finally {
      await bare?.stop();
      await tessera.stop();
    }
  },
};
