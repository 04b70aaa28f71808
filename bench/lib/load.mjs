import autocannon from 'autocannon';
import { Samples } from './stats.mjs';

/**
 * Drives HTTP load at `url` with autocannon for `durationMs` over `connections` kept-alive
 * connections, and times every response itself, to the microsecond (autocannon's own histogram
 * rounds to whole milliseconds). `requests` are autocannon request objects, cycled per connection.
 */
export function runLoad({ url, requests, connections, durationMs }) {
  const latencies = new Samples();
  const statuses = {};
  let ok = 0;
  let started = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      // sampleInt: autocannon checks its deadline once per sample, so this sets the duration's grain.
      { url, requests, connections, duration: durationMs / 1000, sampleInt: 100, timeout: 10 },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          ok,
          seconds: (performance.now() - started) / 1000,
          statuses,
          latencies,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('start', () => {
      started = performance.now();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        latencies.push(responseTime);
      }
    });
  });
}

/**
 * Several runs of one load as one: throughput (2xx per second of load), latency quantiles in ms over
 * every response, and counts of everything that was not a 2xx.
 */
export function summarizeRuns(runs) {
  const latencies = Samples.merge(runs.map((run) => run.latencies));
  const statuses = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses))
      statuses[status] = (statuses[status] ?? 0) + count;
  }
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const errors = runs.reduce((sum, run) => sum + run.errors, 0);
  const timeouts = runs.reduce((sum, run) => sum + run.timeouts, 0);
  const refused = Object.entries(statuses)
    .filter(([status]) => Number(status) < 200 || Number(status) >= 300)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requestsPerSecond: ok / seconds,
    perRun: runs.map((run) => run.ok / run.seconds),
    ok,
    seconds,
    statuses,
    failures: refused + errors + timeouts,
    errors,
    timeouts,
    latencyMs: {
      p50: latencies.quantile(0.5),
      p90: latencies.quantile(0.9),
      p99: latencies.quantile(0.99),
      max: latencies.quantile(1),
    },
  };
}
