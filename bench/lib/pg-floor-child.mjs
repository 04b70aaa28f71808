// A Postgres floor in its own process, as a tessera node is: what scenarios 8 and 9 compare a node
// with. argv: 'pg-floor' <options as JSON: { url, kind: 'create' | 'accept', userIds, sealedLength }>.
// Speaks the messages of server-child.mjs: 'ready' once its pool is open, then
// { type: 'tickets', count } (accept: inserts that many more pending tickets of its own, outside any
// measurement), { type: 'run', durationMs, inFlight } (the floor's step, `inFlight` at a time, for
// `durationMs`; answers { ok, seconds, latencies }) and { type: 'stop' }.

import { serveCommands } from './child-commands.mjs';
import { acceptFloorStep, createFloorStep, insertPendingTickets, openPool, POOL_SIZE } from './postgres.mjs';

const options = JSON.parse(process.argv[3] ?? '{}');
const pool = openPool(options.url, POOL_SIZE);
let step;
if (options.kind === 'create') step = createFloorStep(pool, options);
else if (options.kind === 'accept') step = acceptFloorStep(pool);
else throw new Error(`unknown floor "${options.kind}"`);
await pool.query('select 1');

/** Runs `step` with `inFlight` calls at a time until `durationMs` have passed; any failure fails the run. */
async function run({ durationMs, inFlight }) {
  const latencies = [];
  let ok = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      await step();
      latencies.push(performance.now() - begun);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ok, seconds: (performance.now() - started) / 1000, latencies };
}

const handlers = {
  async tickets({ count }) {
    step.add(await insertPendingTickets(pool, { userIds: options.userIds, count }));
    return step.remaining();
  },
  run,
  async stop() {
    await pool.end();
    process.exit(0);
  },
};

serveCommands(handlers);
