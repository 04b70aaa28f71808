import { runLoad, summarizeRuns } from './load.mjs';
import { insertPendingTickets } from './seed.mjs';
import { backendHeaders, callApi } from './tessera-api.mjs';

export const CONNECTIONS = 50;

/**
 * How long each load runs: a warm-up (discarded), then `rounds` segments of `segmentMs`. Loads
 * compared with each other take turns segment by segment, so a shared machine's drift hits both.
 */
export const loadPlan = (quick) =>
  quick ? { warmupMs: 200, rounds: 2, segmentMs: 300 } : { warmupMs: 1000, rounds: 4, segmentMs: 1000 };

export const measuredMs = (plan) => plan.rounds * plan.segmentMs;

/** Scenario 3's load: `POST /v1/test_session_tokens { user_id }`, one request per user, cycled. */
export function createLoad(name, server, userIds, secretKey = server.secretKey) {
  const headers = backendHeaders(secretKey);
  const requests = userIds.map((userId) => ({
    method: 'POST',
    path: '/v1/test_session_tokens',
    headers,
    body: JSON.stringify({ user_id: userId }),
  }));
  return { name, server, requests };
}

/**
 * Scenario 4's load on a tessera over the SQLite file `dbPath`: each request accepts a ticket not
 * used before. The pool holds `maxRate` tickets per second of the plan and then some; one that runs
 * dry shows up as refused requests, which fail the scenario.
 */
export async function acceptLoad(name, server, { dbPath, userIds, plan, maxRate }) {
  const seconds = (plan.warmupMs + measuredMs(plan)) / 1000;
  const tickets = insertPendingTickets(dbPath, { userIds, count: Math.ceil(maxRate * seconds * 1.5) + 1000 });
  // The first one through the API, so a harness that wrote a ticket the server cannot read says so.
  await callApi({ url: server.url }, 'POST', '/v1/tickets/accept', { ticket: tickets[0] });
  let next = 1;
  const load = {
    name,
    server,
    poolSize: tickets.length,
    dry: () => next >= tickets.length,
    requests: [
      {
        method: 'POST',
        path: '/v1/tickets/accept',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const ticket = tickets[Math.min(next++, tickets.length - 1)];
          return { ...request, body: JSON.stringify({ ticket }) };
        },
      },
    ],
  };
  return load;
}

function assertClean(load, result, phase) {
  if (result.failures === 0 && result.ok > 0) return result;
  const dry = load.dry?.() ? ` (its pool of ${load.poolSize} tickets ran dry)` : '';
  throw new Error(
    `${load.name}${phase}: ${result.ok} answers were 2xx, ${result.failures} were not${dry}: statuses ${JSON.stringify(result.statuses)}, ${result.errors} socket errors, ${result.timeouts} timeouts`,
  );
}

const segment = (load, durationMs) =>
  runLoad({ url: load.server.url, requests: load.requests, connections: CONNECTIONS, durationMs });

/**
 * Warms every load up, then runs them in turn, segment by segment; `between()` (if given) runs after
 * each round. A load with `profilePath` has its server CPU-profiled from its first measured segment
 * to its last. Any answer that is not 2xx fails the scenario. Returns one summary per load.
 */
export async function measureInTurn(loads, plan, { between } = {}) {
  for (const load of loads) {
    if (plan.warmupMs > 0)
      assertClean(load, summarizeRuns([await segment(load, plan.warmupMs)]), ' (warm-up)');
  }
  const runs = loads.map(() => []);
  for (const load of loads) if (load.profilePath) await load.server.startProfile();
  for (let round = 0; round < plan.rounds; round++) {
    for (const [index, load] of loads.entries()) runs[index].push(await segment(load, plan.segmentMs));
    await between?.(round);
  }
  for (const load of loads) if (load.profilePath) await load.server.stopProfile(load.profilePath);
  return loads.map((load, index) => assertClean(load, summarizeRuns(runs[index]), ''));
}
