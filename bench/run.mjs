#!/usr/bin/env node
// tessera's benchmarks, each beside its baseline measured in the same run. See docs/BENCHMARKS.md.
//
//   node bench/run.mjs                 every scenario, ~10 s of load each; exit 1 if a target is missed
//   node bench/run.mjs --quick         ~1 s each; targets reported, not enforced (exit 0 unless it breaks)
//   node bench/run.mjs --only 3,4      some scenarios
//   node bench/run.mjs --profile       CPU profiles of the server in scenarios 3, 4, 8 and 9, summarised
//   node bench/run.mjs --out FILE      results JSON somewhere else than bench/results/latest.json
//   node bench/run.mjs --markdown      the table as Markdown too
//   node bench/run.mjs --peers         only the comparison with the Firebase Auth emulator and Better
//                                      Auth (scenario 10), installed into ~/.cache/tessera-bench-peers
//
// Scenarios 8 and 9 create (and drop) a database of their own on the Postgres server at
// TESSERA_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); without one they fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dropBenchDatabases } from './lib/postgres.mjs';
import { stopTracked } from './lib/processes.mjs';
import { formatProfile, summarizeProfile } from './lib/profile.mjs';
import { errorRow, formatMarkdownTable, formatTable, machine } from './lib/report.mjs';
import verifyDistinct from './scenarios/1-verify-distinct.mjs';
import verifyRepeated from './scenarios/2-verify-repeated.mjs';
import createTokens from './scenarios/3-create-tokens.mjs';
import acceptTickets from './scenarios/4-accept-tickets.mjs';
import coldStart from './scenarios/5-cold-start.mjs';
import scale from './scenarios/6-scale.mjs';
import sdkSize from './scenarios/7-sdk-size.mjs';
import postgresCreate from './scenarios/8-postgres-create.mjs';
import postgresAccept from './scenarios/9-postgres-accept.mjs';
import peers from './scenarios/10-peers.mjs';
import studioUsers from './scenarios/11-studio-users.mjs';

const SCENARIOS = [
  verifyDistinct,
  verifyRepeated,
  createTokens,
  acceptTickets,
  coldStart,
  scale,
  sdkSize,
  postgresCreate,
  postgresAccept,
  peers,
  studioUsers,
];
const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));

/** Exit codes: 0 all good (or --quick), 1 a target missed, 2 the harness or a scenario broke. */
const EXIT = { ok: 0, missed: 1, broken: 2 };

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
      markdown: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  let only;
  if (values.only !== undefined) {
    only = new Set(values.only.split(',').map((part) => Number(part.trim())));
    const known = new Set(SCENARIOS.map((scenario) => scenario.id));
    const unknown = [...only].filter((id) => !known.has(id));
    if (unknown.length > 0 || only.size === 0) {
      throw new Error(`--only takes scenario numbers from ${[...known].join(', ')} (got "${values.only}")`);
    }
  }
  return { ...values, only };
}

const log = (message) => process.stderr.write(`${message}\n`);

/**
 * Scratch directories in use (scenario 6's holds a database of over a gigabyte): removed even on
 * Ctrl-C, as are the Postgres databases of scenarios 8 and 9.
 */
const scratch = new Set();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    log(`${signal}: stopping`);
    await stopTracked();
    await dropBenchDatabases();
    for (const dir of scratch) removeScratch(dir);
    process.exit(130);
  });
}

function removeScratch(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    scratch.delete(dir);
  } catch (error) {
    // While interrupted, a server being stopped may still write there; the handler tries again.
    if (!interrupted) throw error;
  }
}

/** Where a profiled scenario's server writes its profile, and how its summary joins the results. */
function profileFor(scenario, options, profiles) {
  if (!options.profile || !scenario.profiled) return undefined;
  const path = join(dirname(options.out), `scenario-${scenario.id}.cpuprofile`);
  return {
    path,
    record: (title) => profiles.push({ scenario: scenario.id, title, path, ...summarizeProfile(path) }),
  };
}

/**
 * --only names scenarios; --peers adds the peer comparison (alone when --only is not given). Without
 * either, every scenario but the peer comparison, which installs its peers and is never implied.
 */
function isSelected(scenario, options) {
  if (options.peers && scenario.optIn === 'peers') return true;
  if (options.only) return options.only.has(scenario.id);
  return !options.peers && !scenario.optIn;
}

async function runScenario(scenario, options, profiles) {
  const tmpDir = mkdtempSync(join(tmpdir(), `tessera-bench-${scenario.id}-`));
  scratch.add(tmpDir);
  const profile = profileFor(scenario, options, profiles);
  const started = performance.now();
  log(`scenario ${scenario.id}: ${scenario.title}`);
  try {
    return await scenario.run({
      quick: options.quick,
      tmpDir,
      profile,
      log: (message) => log(`  ${message}`),
    });
  } catch (error) {
    if (interrupted) return [];
    log(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return [errorRow(scenario.id, scenario.title, error)];
  } finally {
    log(`  ${((performance.now() - started) / 1000).toFixed(1)} s`);
    removeScratch(tmpDir);
  }
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    log(error.message);
    return EXIT.broken;
  }
  if (options.help) {
    log('usage: node bench/run.mjs [--quick] [--only N[,M]] [--peers] [--profile] [--out FILE] [--markdown]');
    return EXIT.ok;
  }
  const selected = SCENARIOS.filter((scenario) => isSelected(scenario, options));
  mkdirSync(dirname(options.out), { recursive: true });
  const startedAt = new Date();
  const profiles = [];
  const rows = [];
  for (const scenario of selected) {
    const scenarioRows = await runScenario(scenario, options, profiles);
    if (interrupted) return new Promise(() => {}); // the signal handler exits
    rows.push(...scenarioRows);
  }

  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: machine(),
    rows,
    profiles,
  };
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);

  const { cpus, cpuModel, node } = results.machine;
  console.log(`\ntessera benchmarks (${results.mode}): ${cpus} x ${cpuModel}, Node ${node}\n`);
  console.log(formatTable(rows));
  if (options.markdown) console.log(`\n${formatMarkdownTable(rows)}`);
  for (const profile of profiles)
    console.log(`\n${formatProfile(`scenario ${profile.scenario}, ${profile.title}`, profile)}`);
  console.log(`\nresults written to ${options.out}`);

  const broken = rows.filter((result) => result.error);
  const missed = rows.filter((result) => !result.error && result.pass === false);
  if (broken.length > 0) {
    console.log(`${broken.length} scenario(s) could not run`);
    return EXIT.broken;
  }
  if (missed.length > 0) {
    console.log(`${missed.length} target(s) missed${options.quick ? ' (not enforced with --quick)' : ''}`);
    return options.quick ? EXIT.ok : EXIT.missed;
  }
  return EXIT.ok;
}

process.exitCode = await main();
