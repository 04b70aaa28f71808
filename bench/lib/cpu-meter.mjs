// What a request costs in CPU, in the node (or floor) serving it and in the Postgres backends behind
// it, for scenarios 8 and 9: read from /proc, so Linux only (elsewhere nothing is reported).
import { readFileSync } from 'node:fs';
import { row } from './report.mjs';

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU time a process has used so far, in ms, from /proc (Linux); undefined elsewhere or once gone. */
function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/**
 * Measures the CPU a segment costs: `start(pids)` before it, and the function it returns after it,
 * gives the ms used by `pids` (the load's tessera nodes or floor processes), by the Postgres backends
 * serving `databaseName` (Postgres's background writers, shared with other databases, are not
 * counted) and by this process (the load generator). Undefined where /proc cannot be read.
 */
export function cpuMeter(pool, databaseName) {
  const backends = async () =>
    (await pool.query('select pid from pg_stat_activity where datname = $1', [databaseName])).rows.map(
      (row) => row.pid,
    );
  const read = (pids) => new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
  const spent = (before, after) =>
    [...after].reduce((sum, [pid, ms]) => sum + (ms ?? 0) - (before.get(pid) ?? 0), 0);
  return async (pids) => {
    if (cpuMsOf(process.pid) === undefined) return undefined;
    const own = read(pids);
    const postgres = read(await backends());
    const harness = process.cpuUsage();
    return async () => {
      const harnessUsed = process.cpuUsage(harness);
      return {
        processesMs: spent(own, read(pids)),
        postgresMs: spent(postgres, read(await backends())),
        harnessMs: (harnessUsed.user + harnessUsed.system) / 1000,
      };
    };
  };
}

/** CPU per answer, in µs, from the totals of the measured segments. */
export function cpuPerOp(total, ok) {
  if (total === undefined || ok === 0) return undefined;
  const per = (ms) => Math.round((ms * 1000) / ok);
  return {
    processes: per(total.processesMs),
    postgres: per(total.postgresMs),
    harness: per(total.harnessMs),
  };
}

/**
 * Two rows on what one request costs in CPU (where /proc could be read): in the node against the
 * floor's own process, and in the Postgres backends under tessera against under the floor, which
 * issue the same statements and should cost the same.
 */
export function cpuRows(scenario, what, ours, floor) {
  if (!ours.cpuUsPerOp || !floor.cpuUsPerOp) return [];
  const name = 'pg floor';
  return [
    row({
      scenario,
      metric: `${what}, CPU per request in the node`,
      ours: { value: ours.cpuUsPerOp.processes, unit: 'µs' },
      baseline: { value: floor.cpuUsPerOp.processes, unit: 'µs', name: `${name}, its process` },
      ratio: ours.cpuUsPerOp.processes / floor.cpuUsPerOp.processes,
    }),
    row({
      scenario,
      metric: `${what}, CPU per request in Postgres backends`,
      ours: { value: ours.cpuUsPerOp.postgres, unit: 'µs' },
      baseline: { value: floor.cpuUsPerOp.postgres, unit: 'µs', name },
      ratio: ours.cpuUsPerOp.postgres / floor.cpuUsPerOp.postgres,
    }),
  ];
}
