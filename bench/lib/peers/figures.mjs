// The four figures of the peer comparison, each measured for every peer in the same run, taking turns.
import { fileURLToPath } from 'node:url';
import { runLoad, summarizeRuns } from '../load.mjs';
import { startServerProcess } from '../processes.mjs';
import { quantile } from '../stats.mjs';
import { backendHeaders } from '../tessera-api.mjs';
import { CONNECTIONS } from '../tessera-load.mjs';
import { FIREBASE_PROJECT, startBetterAuth, startFirebaseEmulator, startTesseraCli } from './servers.mjs';

const CLIENT = fileURLToPath(new URL('./client-child.mjs', import.meta.url));

/** median, p99 and mean of a list of milliseconds, and how many there were. */
export function summarizeMs(ms) {
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  return { count: ms.length, median: quantile(ms, 0.5), p99: quantile(ms, 0.99), mean };
}

/**
 * (a) Spawn to the first 200 from the health check, `runs` times each, in turn: tessera and Better
 * Auth on a new SQLite file (migrations included) and again on the same file, the Firebase emulator
 * (in memory: every start is a first start). Every server is stopped before the next starts. Wall
 * times in `times`, the CPU time each process used until then in `cpu`.
 */
export async function coldStarts({ runs, tmpDir, peers, log }) {
  const keys = ['tesseraNew', 'tesseraExisting', 'betterAuthNew', 'betterAuthExisting', 'firebase'];
  const times = Object.fromEntries(keys.map((key) => [key, []]));
  const cpu = Object.fromEntries(keys.map((key) => [key, []]));
  const once = async (key, start) => {
    const started = await start();
    times[key].push(started.ms);
    cpu[key].push(started.cpuMs);
    await started.stop();
  };
  const betterAuth = (dbPath) => () => startBetterAuth({ dir: peers.betterAuth.dir, dbPath });
  for (let run = 0; run < runs; run++) {
    const tesseraDb = `${tmpDir}/cold-${run}-tessera.db`;
    const betterAuthDb = `${tmpDir}/cold-${run}-better-auth.db`;
    await once('tesseraNew', () => startTesseraCli({ dbPath: tesseraDb }));
    await once('betterAuthNew', betterAuth(betterAuthDb));
    await once('firebase', () =>
      startFirebaseEmulator({ dir: peers.firebase.dir, workDir: `${tmpDir}/cold-${run}-firebase` }),
    );
    await once('tesseraExisting', () => startTesseraCli({ dbPath: tesseraDb }));
    await once('betterAuthExisting', betterAuth(betterAuthDb));
    log(
      `cold start ${run + 1}/${runs}: tessera ${times.tesseraNew.at(-1).toFixed(0)} ms, Better Auth ${times.betterAuthNew.at(-1).toFixed(0)} ms, Firebase emulator ${times.firebase.at(-1).toFixed(0)} ms`,
    );
  }
  return { times, cpu };
}

/** The three servers the load figures run against, with a client process (test + app) for each. */
export async function startAll({ tmpDir, peers }) {
  const started = [];
  const keep = async (promise) => {
    const value = await promise;
    started.push(value);
    return value;
  };
  const stopAll = () => Promise.all(started.map((server) => server.stop()));
  try {
    const tessera = await keep(startServerProcess('tessera', { databaseUrl: `file:${tmpDir}/tessera.db` }));
    const firebase = await keep(
      startFirebaseEmulator({ dir: peers.firebase.dir, workDir: `${tmpDir}/firebase` }),
    );
    const betterAuthDb = `${tmpDir}/better-auth.db`;
    const betterAuth = await keep(startBetterAuth({ dir: peers.betterAuth.dir, dbPath: betterAuthDb }));
    const client = (kind, options) => keep(startServerProcess(kind, options, { module: CLIENT }));
    const clients = {
      tessera: await client('tessera', {
        url: tessera.url,
        secretKey: tessera.secretKey,
        dbPath: `${tmpDir}/tessera.db`,
      }),
      firebase: await client('firebase', {
        dir: peers.firebase.dir,
        host: firebase.host,
        projectId: FIREBASE_PROJECT,
      }),
      betterAuth: await client('betterAuth', {
        dir: peers.betterAuth.dir,
        dbPath: betterAuthDb,
        url: betterAuth.url,
      }),
    };
    return { servers: { tessera, firebase, betterAuth }, clients, stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** An autocannon request that makes a new user each time it is sent (addresses never repeat). */
function creating(path, headers, body) {
  let next = 0;
  return [
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...headers },
      setupRequest: (request) => ({ ...request, body: JSON.stringify(body(`load-${next++}@example.com`)) }),
    },
  ];
}

/**
 * Sends one more request of the load and waits for its answer. autocannon leaves up to 50 requests in
 * flight when a segment ends, and a server goes on serving them: a slow one for a second or more,
 * which would take CPU from the next segment, another server's. Each server's writes queue in one
 * connection (SQLite) or one event loop, so this answer comes once the ones before it are done.
 */
async function settle(load) {
  const [template] = load.requests;
  const { method, path, headers, body } = template.setupRequest({ ...template });
  const response = await fetch(`${load.server.url}${path}`, { method, headers, body });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${load.name}: ${method} ${path} answered ${response.status}`);
}

function clean(load, result, phase) {
  if (result.failures === 0 && result.ok > 0) return result;
  throw new Error(
    `${load.name}${phase}: ${result.ok} answers were 2xx, ${result.failures} were not: statuses ${JSON.stringify(result.statuses)}, ${result.errors} socket errors, ${result.timeouts} timeouts`,
  );
}

/**
 * The harness's load rules (tessera-load.mjs's measureInTurn: 50 connections, a warm-up, rounds in
 * turn, only 2xx counted), with every segment followed by settle().
 */
async function measureSettled(loads, plan) {
  const segment = async (load, durationMs) => {
    const run = await runLoad({
      url: load.server.url,
      requests: load.requests,
      connections: CONNECTIONS,
      durationMs,
    });
    await settle(load);
    return run;
  };
  for (const load of loads) clean(load, summarizeRuns([await segment(load, plan.warmupMs)]), ' (warm-up)');
  const runs = loads.map(() => []);
  for (let round = 0; round < plan.rounds; round++) {
    for (const [index, load] of loads.entries()) runs[index].push(await segment(load, plan.segmentMs));
  }
  return loads.map((load, index) => clean(load, summarizeRuns(runs[index]), ''));
}

/**
 * (b) Creating users under the harness's load rules (50 connections, warm-up, rounds in turn), each
 * through its admin API over HTTP: tessera `POST /v1/users` with the secret key; the emulator's
 * `accounts` endpoint that firebase-admin's `createUser` calls (`Bearer owner`, the emulator's admin
 * credential); Better Auth's admin plugin `POST /api/auth/admin/create-user` with an admin's session
 * cookie, without a password (so no password hash is computed, as tessera computes none).
 */
export async function createUserLoads({ servers, clients, plan }) {
  const { tessera, firebase, betterAuth } = servers;
  const { adminCookie } = await clients.betterAuth.command('info');
  const loads = [
    {
      name: 'tessera',
      server: tessera,
      requests: creating('/v1/users', backendHeaders(tessera.secretKey), (email) => ({
        email_address: [email],
      })),
    },
    {
      name: 'Firebase Auth emulator',
      server: firebase,
      requests: creating(
        `/identitytoolkit.googleapis.com/v1/projects/${FIREBASE_PROJECT}/accounts`,
        { authorization: 'Bearer owner' },
        (email) => ({ email }),
      ),
    },
    {
      name: 'Better Auth',
      server: betterAuth,
      requests: creating(
        '/api/auth/admin/create-user',
        { cookie: adminCookie, origin: betterAuth.url },
        (email) => ({ email, name: 'Load' }),
      ),
    },
  ];
  const [ours, firebaseResult, betterAuthResult] = await measureSettled(loads, plan);
  return { tessera: ours, firebase: firebaseResult, betterAuth: betterAuthResult };
}

/** Each peer's ways from a user id to a credential; the first one's credentials are then verified. */
export const PATHS = {
  tessera: ['testSessionToken', 'session', 'sessionWithToken', 'inProcess'],
  firebase: ['customToken'],
  betterAuth: ['testUtilsLogin', 'impersonateUser'],
};

/**
 * (c) and (d): one test worker's calls, each awaited before the next. In every round each peer's
 * paths run in turn over `perRound` users, then each peer's app checks the credentials its first path
 * just made (so a 60-second tessera JWT is checked well within its life). The first round warms up and
 * is left out.
 */
export async function becomeAndVerify({ clients, rounds, perRound, usersPerPeer, log }) {
  const users = {};
  for (const [peer, client] of Object.entries(clients))
    users[peer] = await client.command('users', { count: usersPerPeer });
  const peers = Object.keys(clients);
  const become = Object.fromEntries(
    peers.flatMap((peer) => PATHS[peer].map((path) => [`${peer}.${path}`, []])),
  );
  const verify = Object.fromEntries(peers.map((peer) => [peer, []]));
  const offsets = {};
  for (let round = 0; round <= rounds; round++) {
    const measured = round > 0;
    for (const [peer, client] of Object.entries(clients)) {
      for (const path of PATHS[peer]) {
        const userIds = Array.from(
          { length: perRound },
          (_, i) => users[peer][(round * perRound + i) % usersPerPeer],
        );
        const ms = await client.command('become', { path, userIds, keep: path === PATHS[peer][0] });
        if (measured) become[`${peer}.${path}`].push(...ms);
      }
    }
    for (const [peer, client] of Object.entries(clients)) {
      const from = offsets[peer] ?? 0;
      offsets[peer] = from + perRound;
      const ms = await client.command('verify', { path: PATHS[peer][0], from, to: from + perRound });
      if (measured) verify[peer].push(...ms);
    }
    if (measured) log(`become and verify: round ${round}/${rounds}`);
  }
  return {
    become: Object.fromEntries(Object.entries(become).map(([key, ms]) => [key, summarizeMs(ms)])),
    verify: Object.fromEntries(Object.entries(verify).map(([key, ms]) => [key, summarizeMs(ms)])),
  };
}
