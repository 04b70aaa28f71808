import { startTessera } from '@tessera/server';
import { startServerProcess } from '../lib/processes.mjs';
import { row } from '../lib/report.mjs';
import { seedHistoryInWorker } from '../lib/seed.mjs';
import { Samples } from '../lib/stats.mjs';

/** A new database file the server has migrated and bootstrapped, left closed. */
async function bootstrapped(path) {
  const tessera = await startTessera({ databaseUrl: `file:${path}`, log: () => {} });
  await tessera.close();
}

/**
 * Loads a Studio page the way a browser does, one request after another, and keeps each latency.
 * A page that is not Studio's users table (an error, the sign-in gate) breaks the run.
 */
async function pageLatencies(url, requests, expect) {
  const samples = new Samples();
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url);
    const text = await response.text();
    samples.push(performance.now() - started);
    if (response.status !== 200 || !text.includes(expect)) {
      throw new Error(`${url} answered ${response.status} without "${expect}"`);
    }
  }
  return samples;
}

export default {
  id: 11,
  title: "Studio's users page on 100,000 users",
  async run({ quick, tmpDir, log }) {
    const count = quick ? 5_000 : 100_000;
    const rows = count.toLocaleString('en-US');
    const requests = quick ? 20 : 200;
    const path = `${tmpDir}/studio.db`;
    await bootstrapped(path);
    log(`seeding ${rows} users (with a token and a session each)`);
    await seedHistoryInWorker(path, { count, sample: 10 });
    // A development instance on loopback: Studio opens without the key, as after `npm start`.
    const server = await startServerProcess('tessera', { databaseUrl: `file:${path}` });
    try {
      const deepPage = Math.floor(count / 50 / 2);
      const someone = `seed-${Math.floor(count / 3)}@example.com`;
      // [what, path, text the page must hold, p99 target in ms]
      const pages = [
        ['first page', '/studio/users', `of ${rows}`, 200],
        [
          `page ${deepPage.toLocaleString('en-US')} (the middle)`,
          `/studio/users?page=${deepPage}`,
          `of ${rows}`,
          200,
        ],
        ['a search for an email address', `/studio/users?query=${encodeURIComponent(someone)}`, someone, 200],
        // A substring that matches no one reads every row: the worst case of a search.
        [
          'a substring search matching no one',
          '/studio/users?query=nobody-here',
          'No user matches this search.',
          1000,
        ],
      ];
      const results = [];
      for (const [name, pagePath, expect, targetMs] of pages) {
        log(`${name}: ${requests} loads of ${pagePath}`);
        // One warm-up load, as a person's first click is not the one that matters.
        await pageLatencies(`${server.url}${pagePath}`, 1, expect);
        const samples = await pageLatencies(`${server.url}${pagePath}`, requests, expect);
        results.push({
          name,
          targetMs,
          path: pagePath,
          summary: { p50: samples.quantile(0.5), p99: samples.quantile(0.99), max: samples.quantile(1) },
        });
      }
      return results.map(({ name, targetMs, path: pagePath, summary }) =>
        row({
          scenario: 11,
          metric: `users page p99, ${name}, ${rows} users`,
          ours: { value: summary.p99, unit: 'ms' },
          target: { on: 'ours', op: '<=', value: targetMs, text: `<= ${targetMs} ms` },
          details: { count, requests, path: pagePath, latencyMs: summary },
        }),
      );
    } finally {
      await server.stop();
    }
  },
};
