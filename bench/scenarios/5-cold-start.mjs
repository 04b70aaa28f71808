import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { track } from '../lib/processes.mjs';
import { row } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const CLI = fileURLToPath(new URL('../../packages/server/bin/tessera.js', import.meta.url));
const READY = /tessera is ready at (http:\/\/\S+)/;
const TIMEOUT_MS = 20_000;

function getStatus(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    }).on('error', reject);
  });
}

/** Milliseconds from spawning `tessera serve` to the first 200 from GET /v1/health. */
async function timeToFirstHealthy(databasePath) {
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet', '--db', `file:${databasePath}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`tessera serve was not ready in ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = READY.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`tessera serve exited (${code}) before it was ready: ${output.slice(0, 500)}`));
      });
    });
    let status;
    while (performance.now() - started < TIMEOUT_MS) {
      status = await getStatus(`${url}/v1/health`);
      if (status === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`GET /v1/health answered ${status}, never 200, within ${TIMEOUT_MS} ms`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Milliseconds from spawning `node -e ""` to its exit: what any Node process costs. */
async function timeOfEmptyNode() {
  const started = performance.now();
  const child = track(spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node -e "" exited with ${code}`);
  return performance.now() - started;
}

export default {
  id: 5,
  title: 'cold start: spawn -> first 200 from /v1/health',
  async run({ quick, tmpDir }) {
    const runs = quick ? 2 : 9;
    const firstStarts = [];
    const restarts = [];
    const emptyNodes = [];
    await timeOfEmptyNode();
    for (let i = 0; i < runs; i++) {
      const dir = `${tmpDir}/run-${i}`;
      mkdirSync(dir);
      // A new database (migrations, instance, RSA key generated), then the same one again.
      firstStarts.push(await timeToFirstHealthy(`${dir}/tessera.db`));
      restarts.push(await timeToFirstHealthy(`${dir}/tessera.db`));
      emptyNodes.push(await timeOfEmptyNode());
    }
    const baseline = { value: median(emptyNodes), unit: 'ms', name: 'node -e ""' };
    const target = { on: 'ours', op: '<=', value: 400, text: 'median <= 400 ms' };
    return [
      row({
        scenario: 5,
        metric: 'cold start on a new database (median)',
        ours: { value: median(firstStarts), unit: 'ms' },
        baseline,
        ratio: median(firstStarts) / baseline.value,
        target,
        details: { runs, firstStarts, restarts, emptyNodes },
      }),
      row({
        scenario: 5,
        metric: 'cold start on an existing database (median)',
        ours: { value: median(restarts), unit: 'ms' },
        baseline,
        ratio: median(restarts) / baseline.value,
        target,
      }),
    ];
  },
};
