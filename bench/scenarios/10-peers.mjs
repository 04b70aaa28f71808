// tessera beside the Firebase Auth emulator and Better Auth, in the same run: cold start, creating
// users, "become user X" and checking the credential in an app. Only with --peers (or --only 10): it
// installs the peers into a cache folder outside the project (bench/lib/peers/cache.mjs) on first use.
import { ensurePeer, PEERS } from '../lib/peers/cache.mjs';
import { becomeAndVerify, coldStarts, createUserLoads, PATHS, startAll } from '../lib/peers/figures.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { CONNECTIONS } from '../lib/tessera-load.mjs';

const NAMES = { firebase: 'Firebase Auth emulator', betterAuth: 'Better Auth' };
const PATH_NAMES = {
  'tessera.testSessionToken': 'tessera: test session token create + accept',
  'tessera.session': 'tessera: sessions.create + getToken',
  'tessera.sessionWithToken': 'tessera: sessions.createWithToken (one HTTP call)',
  'tessera.inProcess': "tessera: the test process's startTessera, createSessionWithToken (in-process)",
  'firebase.customToken': 'Firebase: createCustomToken + signInWithCustomToken',
  'betterAuth.testUtilsLogin': 'Better Auth: testUtils login (in-process)',
  'betterAuth.impersonateUser': 'Better Auth: admin impersonate-user (HTTP)',
};
const AHEAD = { on: 'ratio', op: '<', value: 1, text: '< 1.00x' };
const AHEAD_RATE = { on: 'ratio', op: '>=', value: 1, text: '>= 1.00x' };
const THREE_TIMES = { on: 'ratio', op: '<=', value: 1 / 3, text: '<= 0.33x (3x faster)' };

/** The fastest of a peer's paths by median, as [key, summary]. */
const fastest = (become, peer) =>
  PATHS[peer]
    .map((path) => [`${peer}.${path}`, become[`${peer}.${path}`]])
    .sort((a, b) => a[1].median - b[1].median)[0];

/** The median of run-by-run ratios: the starts of one run were moments apart, on one state of the host. */
const pairedRatio = (ours, theirs) => median(ours.map((value, run) => value / theirs[run]));

function coldStartRows({ times, cpu }) {
  const compared = [
    ['firebase', 'tesseraNew', 'firebase', 'a first start'],
    ['betterAuth', 'tesseraNew', 'betterAuthNew', 'a new database'],
    ['betterAuth', 'tesseraExisting', 'betterAuthExisting', 'an existing database'],
  ];
  const rows = compared.map(([peer, oursKey, theirsKey, what], index) =>
    row({
      scenario: 10,
      metric: `cold start (median), ${what}, vs ${NAMES[peer]}`,
      ours: { value: median(times[oursKey]), unit: 'ms' },
      baseline: { value: median(times[theirsKey]), unit: 'ms', name: NAMES[peer] },
      ratio: pairedRatio(times[oursKey], times[theirsKey]),
      target: oursKey === 'tesseraNew' ? AHEAD : undefined,
      details: index === 0 ? { times, cpu } : undefined,
    }),
  );
  if (cpu.tesseraNew.some((value) => value === undefined)) return rows;
  for (const [peer, theirsKey] of [
    ['firebase', 'firebase'],
    ['betterAuth', 'betterAuthNew'],
  ]) {
    rows.push(
      row({
        scenario: 10,
        metric: `cold start, CPU time until ready (median), vs ${NAMES[peer]}`,
        ours: { value: median(cpu.tesseraNew), unit: 'ms' },
        baseline: { value: median(cpu[theirsKey]), unit: 'ms', name: NAMES[peer] },
        ratio: pairedRatio(cpu.tesseraNew, cpu[theirsKey]),
      }),
    );
  }
  return rows;
}

function createRows(results) {
  const ours = results.tessera;
  return ['firebase', 'betterAuth'].flatMap((peer) => {
    const theirs = results[peer];
    return [
      row({
        scenario: 10,
        metric: `create users, throughput at ${CONNECTIONS} connections, vs ${NAMES[peer]}`,
        ours: { value: median(ours.perRun), unit: 'req/s' },
        baseline: { value: median(theirs.perRun), unit: 'req/s', name: NAMES[peer] },
        ratio: median(ours.perRun.map((rate, round) => rate / theirs.perRun[round])),
        target: AHEAD_RATE,
        details: peer === 'firebase' ? results : undefined,
      }),
      row({
        scenario: 10,
        metric: `create users, p99 at ${CONNECTIONS} connections, vs ${NAMES[peer]}`,
        ours: { value: ours.latencyMs.p99, unit: 'ms' },
        baseline: { value: theirs.latencyMs.p99, unit: 'ms', name: NAMES[peer] },
        ratio: ours.latencyMs.p99 / theirs.latencyMs.p99,
        target: AHEAD,
      }),
    ];
  });
}

function becomeRows(become) {
  const [oursKey, ours] = fastest(become, 'tessera');
  const rows = ['firebase', 'betterAuth'].map((peer) => {
    const [theirsKey, theirs] = fastest(become, peer);
    return row({
      scenario: 10,
      metric: `"become user X", one after another (median), vs ${NAMES[peer]}`,
      ours: { value: ours.median, unit: 'ms' },
      baseline: { value: theirs.median, unit: 'ms', name: PATH_NAMES[theirsKey] },
      ratio: ours.median / theirs.median,
      target: THREE_TIMES,
      details: peer === 'firebase' ? { fastest: oursKey, become } : undefined,
    });
  });
  for (const [key, summary] of Object.entries(become)) {
    rows.push(
      row({
        scenario: 10,
        metric: `"become user X", ${PATH_NAMES[key]}: median / p99`,
        ours: { value: `${summary.median.toFixed(2)} / ${summary.p99.toFixed(2)} ms`, unit: '' },
      }),
    );
  }
  return rows;
}

function verifyRows(verify) {
  const rate = (summary) => 1000 / summary.mean;
  return ['firebase', 'betterAuth'].map((peer) =>
    row({
      scenario: 10,
      metric: `check the credential in an app, one after another, vs ${NAMES[peer]}`,
      ours: { value: rate(verify.tessera), unit: 'checks/s' },
      baseline: {
        value: rate(verify[peer]),
        unit: 'checks/s',
        name: peer === 'firebase' ? 'verifyIdToken, emulator' : 'auth.api.getSession',
      },
      ratio: rate(verify.tessera) / rate(verify[peer]),
      target: AHEAD_RATE,
      details: peer === 'firebase' ? verify : undefined,
    }),
  );
}

export default {
  id: 10,
  title: 'peers: tessera beside the Firebase Auth emulator and Better Auth',
  optIn: 'peers',
  async run({ quick, tmpDir, log }) {
    const peers = {};
    for (const [key, peer] of Object.entries(PEERS)) peers[key] = await ensurePeer(peer, log);

    const starts = await coldStarts({ runs: quick ? 1 : 5, tmpDir, peers, log });
    const { servers, clients, stopAll } = await startAll({ tmpDir, peers });
    try {
      // Longer than scenario 3's: Better Auth answers about 100 – 200 creates/s, a p99 near 1 s.
      const plan = quick
        ? { warmupMs: 1000, rounds: 2, segmentMs: 1000 }
        : { warmupMs: 2000, rounds: 4, segmentMs: 2000 };
      log(`create users: ${CONNECTIONS} connections, ${plan.rounds} x ${plan.segmentMs} ms each, in turn`);
      const created = await createUserLoads({ servers, clients, plan });
      const { become, verify } = await becomeAndVerify({
        clients,
        rounds: quick ? 2 : 5,
        perRound: quick ? 20 : 200,
        usersPerPeer: 100,
        log,
      });
      const rows = [
        ...coldStartRows(starts),
        ...createRows(created),
        ...becomeRows(become),
        ...verifyRows(verify),
      ];
      rows[0].details = { ...rows[0].details, peers };
      return rows;
    } finally {
      await stopAll();
    }
  },
};
