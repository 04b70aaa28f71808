// Scenarios 8 and 9: tessera nodes on one Postgres database, their load split across them, and the
// floors beside them (bench/lib/pg-floor-child.mjs), each in its own process.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { cpuMeter, cpuPerOp } from './cpu-meter.mjs';
import { runLoad, summarizeRuns } from './load.mjs';
import {
  createBenchDatabase,
  FLOOR_STATEMENTS,
  insertPendingTickets,
  openPool,
  POOL_SIZE,
  postgresServerUrl,
  redactUrl,
} from './postgres.mjs';
import { startServerProcess } from './processes.mjs';
import { Samples } from './stats.mjs';
import { backendHeaders } from './tessera-api.mjs';
import { CONNECTIONS, loadPlan } from './tessera-load.mjs';

const FLOOR_CHILD = fileURLToPath(new URL('./pg-floor-child.mjs', import.meta.url));

/** Nodes in the cluster, and floor processes beside them: one of each per node. */
export const NODES = 2;

/**
 * A new database on the bench's Postgres (TESSERA_BENCH_POSTGRES_URL) and two tessera nodes on it,
 * each in its own process with tessera's default pool, sharing a pinned secret key as the README asks
 * of a cluster. `close()` stops every process it started and drops the database.
 */
export async function startCluster(log) {
  const database = await createBenchDatabase();
  const nodes = [];
  const floors = [];
  const pool = openPool(database.url, 2);
  const close = async () => {
    await Promise.allSettled([...nodes, ...floors].map((child) => child.stop()));
    await pool.end().catch(() => {});
    await database.drop();
  };
  try {
    const options = {
      databaseUrl: database.url,
      databasePoolSize: POOL_SIZE,
      secretKey: `sk_test_${randomBytes(32).toString('base64url')}`,
      recordStatements: true,
    };
    // One after the other: the first migrates and creates the instance, the second finds both.
    for (let i = 0; i < NODES; i++) nodes.push(await startServerProcess('tessera', options));
    log(
      `database ${database.name} on ${redactUrl(postgresServerUrl())}: ${NODES} tessera nodes, pool of ${POOL_SIZE} each`,
    );
    return {
      database,
      nodes,
      /** A small pool of the harness's own, for seeding and reading back. */
      pool,
      cpu: cpuMeter(pool, database.name),
      /** One floor process per node: `options` as pg-floor-child.mjs takes them. */
      async startFloors(floorOptions) {
        for (let i = 0; i < NODES; i++) {
          floors.push(
            await startServerProcess(
              'pg-floor',
              { url: database.url, ...floorOptions },
              { module: FLOOR_CHILD },
            ),
          );
        }
        return floors;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Reads cached for a second per node, which belong to no one request. */
const PERIODIC_READS = [/ from "signing_keys"/, / from "instance"/];

/**
 * Records the SQL `node` sends to Postgres while `act` runs one request, and fails unless it is what
 * the floor issues (FLOOR_STATEMENTS): a floor that drifted from the code would compare with nothing.
 */
export async function checkFloorStatements(node, kind, act) {
  await node.command('statements-start');
  let sent;
  try {
    await act();
  } finally {
    sent = await node.command('statements-stop');
  }
  const ours = sent.filter((text) => !PERIODIC_READS.some((pattern) => pattern.test(text)));
  const floor = FLOOR_STATEMENTS[kind];
  const differs = ours.findIndex((text, index) => text !== floor[index]);
  const at = differs === -1 && ours.length !== floor.length ? ours.length : differs;
  if (at !== -1) {
    throw new Error(
      `the ${kind} floor (bench/lib/postgres.mjs) no longer issues what tessera sends to Postgres: statement ${at + 1} is "${ours[at] ?? '(none)'}" from tessera, "${floor[at] ?? '(none)'}" from the floor`,
    );
  }
}

/** `POST /v1/test_session_tokens` once with an Idempotency-Key; the reply, parsed. */
export async function createOnce(node, userId) {
  const response = await fetch(`${node.url}/v1/test_session_tokens`, {
    method: 'POST',
    headers: {
      ...backendHeaders(node.secretKey),
      'idempotency-key': `bench-check-${randomBytes(8).toString('hex')}`,
    },
    body: JSON.stringify({ user_id: userId }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`POST /v1/test_session_tokens answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Requests for scenario 8: `{ user_id }` cycling over `userIds`, each with an Idempotency-Key never
 * sent before, as `@tessera/backend` sends every create.
 */
export function createRequests(secretKey, userIds) {
  const headers = backendHeaders(secretKey);
  const run = randomBytes(6).toString('hex');
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/v1/test_session_tokens',
      headers,
      setupRequest: (request) => {
        const index = next++;
        return {
          ...request,
          headers: { ...headers, 'idempotency-key': `bench-${run}-${index}` },
          body: JSON.stringify({ user_id: userIds[index % userIds.length] }),
        };
      },
    },
  ];
}

/**
 * How many tickets a segment of `durationMs` may use: three times the load's best rate so far, or
 * before it has one, `bound` per second.
 */
export const ticketsFor = (durationMs, peakRate, bound) =>
  Math.ceil(((peakRate ? peakRate * 3 : bound) * durationMs) / 1000) + 200;

/**
 * Pending tickets for one load of scenario 9, inserted through the harness's pool and handed out
 * once each; `topUp` adds what the next segment may use, outside the measurement.
 */
export class TicketQueue {
  #values = [];
  #next = 0;

  constructor(pool, userIds) {
    this.pool = pool;
    this.userIds = userIds;
  }

  async topUp(count) {
    const values = await insertPendingTickets(this.pool, { userIds: this.userIds, count });
    this.#values = this.#values.slice(this.#next).concat(values);
    this.#next = 0;
  }

  take() {
    // Past the end, a used ticket: the server refuses it, which fails the scenario.
    return this.#values[Math.min(this.#next++, this.#values.length - 1)];
  }

  get remaining() {
    return Math.max(0, this.#values.length - this.#next);
  }

  get dry() {
    return this.#next >= this.#values.length;
  }
}

/** Requests for scenario 9: each accepts a ticket of `queue` never used before. */
export function acceptRequests(queue) {
  return [
    {
      method: 'POST',
      path: '/v1/tickets/accept',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ ticket: queue.take() }) }),
    },
  ];
}

/** Runs that went on at the same time, as one: every answer, over the longest of their durations. */
function concurrent(runs) {
  const statuses = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses))
      statuses[status] = (statuses[status] ?? 0) + count;
  }
  return {
    ok: runs.reduce((sum, run) => sum + run.ok, 0),
    seconds: Math.max(...runs.map((run) => run.seconds)),
    statuses,
    latencies: Samples.merge(runs.map((run) => run.latencies)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
  };
}

/** A load over HTTP spread evenly over `servers`, CONNECTIONS in all, each its own autocannon. */
export function httpLoad(name, servers, requests, extra = {}) {
  return {
    name,
    servers,
    pids: servers.map((server) => server.pid),
    ...extra,
    segment: async (durationMs) =>
      concurrent(
        await Promise.all(
          servers.map((server) =>
            runLoad({
              url: server.url,
              requests: requests.map((request) => ({ ...request })),
              connections: CONNECTIONS / servers.length,
              durationMs,
            }),
          ),
        ),
      ),
  };
}

/** A floor run by `floors` at once, CONNECTIONS steps in flight in all, as the HTTP load has requests. */
export function floorLoad(name, floors, extra = {}) {
  return {
    name,
    pids: floors.map((floor) => floor.pid),
    ...extra,
    segment: async (durationMs) => {
      const answers = await Promise.all(
        floors.map((floor) => floor.command('run', { durationMs, inFlight: CONNECTIONS / floors.length })),
      );
      return concurrent(
        answers.map(({ ok, seconds, latencies }) => {
          const samples = new Samples();
          for (const latency of latencies) samples.push(latency);
          return { ok, seconds, statuses: { 200: ok }, latencies: samples, errors: 0, timeouts: 0 };
        }),
      );
    },
  };
}

/**
 * How long each load runs: as the SQLite scenarios' (loadPlan), but with --quick, segments long
 * enough for a few round trips of requests that take 100 ms and more under load on a small host.
 */
export const postgresPlan = (quick) =>
  quick ? { warmupMs: 500, rounds: 2, segmentMs: 500 } : loadPlan(false);

/** Anything but a 2xx fails; so does no answer at all over the rounds (a warm-up may have none). */
function assertClean(load, result, phase, { answered = true } = {}) {
  if (result.failures === 0 && (result.ok > 0 || !answered)) return result;
  const dry = load.dry?.() ? ' (its tickets ran out)' : '';
  throw new Error(
    `${load.name}${phase}: ${result.ok} answers were 2xx, ${result.failures} were not${dry}: statuses ${JSON.stringify(result.statuses)}, ${result.errors} socket errors, ${result.timeouts} timeouts`,
  );
}

/**
 * As tessera-load.mjs measureInTurn, for loads with a `segment(durationMs)` of their own: each warms
 * up, then they take turns segment by segment for `plan.rounds` rounds. Before the warm-up and before
 * each round, `prepare(durationMs, peakRate)` (if a load has one) tops up what a segment uses, outside
 * the measurement; `afterSegment(index, round)` runs after each measured segment. With `cpu` (a
 * cpuMeter), each summary also has `cpuUsPerOp` for the load's `pids`, Postgres and the harness. A
 * load with `profilePath` has its first server CPU-profiled from the first measured segment to the
 * last (of every load: the samples of other loads' segments are its own work or idle). Anything but
 * a 2xx fails the scenario. Returns one summary per load.
 */
export async function measureInTurn(loads, plan, { afterSegment, cpu } = {}) {
  const peaks = loads.map(() => undefined);
  const prepare = async (durationMs) => {
    for (const [index, load] of loads.entries()) await load.prepare?.(durationMs, peaks[index]);
  };
  const note = (index, run) => {
    peaks[index] = Math.max(peaks[index] ?? 0, run.ok / run.seconds);
    return run;
  };
  if (plan.warmupMs > 0) {
    await prepare(plan.warmupMs);
    for (const [index, load] of loads.entries())
      assertClean(load, summarizeRuns([note(index, await load.segment(plan.warmupMs))]), ' (warm-up)', {
        answered: false,
      });
  }
  const runs = loads.map(() => []);
  const cpuTotals = loads.map(() => undefined);
  const profiled = loads.filter((load) => load.profilePath);
  for (const load of profiled) await load.servers[0].startProfile();
  for (let round = 0; round < plan.rounds; round++) {
    await prepare(plan.segmentMs);
    for (const [index, load] of loads.entries()) {
      const stopMeter = cpu && load.pids ? await cpu(load.pids) : undefined;
      runs[index].push(note(index, await load.segment(plan.segmentMs)));
      const used = await stopMeter?.();
      if (used) {
        const total = cpuTotals[index] ?? { processesMs: 0, postgresMs: 0, harnessMs: 0 };
        for (const key of Object.keys(total)) total[key] += used[key];
        cpuTotals[index] = total;
      }
      await afterSegment?.(index, round);
    }
  }
  for (const load of profiled) await load.servers[0].stopProfile(load.profilePath);
  return loads.map((load, index) => {
    const summary = assertClean(load, summarizeRuns(runs[index]), '');
    return { ...summary, cpuUsPerOp: cpuPerOp(cpuTotals[index], summary.ok) };
  });
}
