import { availableParallelism } from 'node:os';
import { startTessera } from '@tessera/server';
import { createSigningKey, signRate } from '../lib/jwt.mjs';
import { startServerProcess } from '../lib/processes.mjs';
import { row } from '../lib/report.mjs';
import { seedHistoryInWorker, tableFootprint } from '../lib/seed.mjs';
import { callApi, createUsers } from '../lib/tessera-api.mjs';
import { acceptLoad, CONNECTIONS, createLoad, loadPlan, measureInTurn } from '../lib/tessera-load.mjs';

/** A new database file the server has migrated and bootstrapped, left closed; returns its secret key. */
async function bootstrapped(path) {
  const tessera = await startTessera({ databaseUrl: `file:${path}`, log: () => {} });
  await tessera.close();
  return tessera.secretKey;
}

export default {
  id: 6,
  title: 'scale: 1,000,000 users, tokens and sessions seeded',
  async run({ quick, tmpDir, log }) {
    const count = quick ? 20_000 : 1_000_000;
    const rows = count.toLocaleString('en-US');
    const plan = loadPlan(quick);
    const maxRate = signRate(createSigningKey(), quick ? 100 : 300) * availableParallelism();

    const emptyPath = `${tmpDir}/empty.db`;
    const seededPath = `${tmpDir}/seeded.db`;
    const seededKey = await bootstrapped(seededPath);
    log(`seeding ${rows} users, tokens and sessions`);
    const seedStarted = performance.now();
    const seededUsers = await seedHistoryInWorker(seededPath, { count, sample: 100 });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s`);
    const footprint = tableFootprint(seededPath, 'tickets');

    // Both servers run side by side, and the two databases take turns under the same load.
    const empty = await startServerProcess('tessera', { databaseUrl: `file:${emptyPath}` });
    let seeded;
    try {
      seeded = await startServerProcess('tessera', {
        databaseUrl: `file:${seededPath}`,
        secretKey: seededKey,
      });
      const emptyUsers = await createUsers(empty, 100);
      // Seeded rows must read as real ones through the API.
      const { json } = await callApi(seeded, 'GET', `/v1/users/${seededUsers[0]}`);
      if (json.id !== seededUsers[0]) throw new Error('a seeded user does not read back through the API');

      log(
        `create, empty and ${rows} rows in turn: ${CONNECTIONS} connections, ${plan.rounds} x ${plan.segmentMs} ms`,
      );
      const [emptyCreate, seededCreate] = await measureInTurn(
        [
          createLoad('create on the empty database', empty, emptyUsers),
          createLoad(`create on ${rows} rows`, seeded, seededUsers),
        ],
        plan,
      );
      log(`accept, empty and ${rows} rows in turn`);
      const accepts = [
        await acceptLoad('accept on the empty database', empty, {
          dbPath: emptyPath,
          userIds: emptyUsers,
          plan,
          maxRate,
        }),
        await acceptLoad(`accept on ${rows} rows`, seeded, {
          dbPath: seededPath,
          userIds: seededUsers,
          plan,
          maxRate,
        }),
      ];
      const [emptyAccept, seededAccept] = await measureInTurn(accepts, plan);

      const p99 = (result) => ({ value: result.latencyMs.p99, unit: 'ms' });
      const within = { on: 'ratio', op: '<=', value: 1.5, text: '<= 1.50x' };
      return [
        row({
          scenario: 6,
          metric: `create p99, ${rows} rows vs empty`,
          ours: p99(seededCreate),
          baseline: { ...p99(emptyCreate), name: 'empty database' },
          ratio: seededCreate.latencyMs.p99 / emptyCreate.latencyMs.p99,
          target: within,
          details: { count, seedSeconds, footprint, emptyCreate, seededCreate, emptyAccept, seededAccept },
        }),
        row({
          scenario: 6,
          metric: `accept p99, ${rows} rows vs empty`,
          ours: p99(seededAccept),
          baseline: { ...p99(emptyAccept), name: 'empty database' },
          ratio: seededAccept.latencyMs.p99 / emptyAccept.latencyMs.p99,
          target: within,
        }),
        row({
          scenario: 6,
          metric: `bytes per token row (table + ${footprint.indexes} indexes)`,
          ours: { value: footprint.bytes / footprint.rows, unit: 'B' },
        }),
      ];
    } finally {
      await seeded?.stop();
      await empty.stop();
    }
  },
};
