/** The q-quantile (0..1) of numbers, by the nearest-rank method. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => quantile(values, 0.5);

/** A growable list of doubles (latencies of a whole run) without boxing each one. */
export class Samples {
  #data = new Float64Array(4096);
  length = 0;

  push(value) {
    if (this.length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = value;
  }

  quantile(q) {
    return quantile(this.#data.subarray(0, this.length), q);
  }

  static merge(list) {
    const merged = new Samples();
    for (const samples of list) {
      for (let i = 0; i < samples.length; i++) merged.push(samples.#data[i]);
    }
    return merged;
  }
}

/**
 * Calls `step` (sync or async) in a loop for about `durationMs` and returns calls per second.
 * The clock is read every `batch` calls so timing costs nothing measurable.
 */
export async function rateOf(step, { durationMs, batch = 64 }) {
  const start = performance.now();
  const deadline = start + durationMs;
  let calls = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) await step(calls + i);
    calls += batch;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

/** The same as rateOf for a synchronous step, without an await per call. */
export function rateOfSync(step, { durationMs, batch = 64 }) {
  const start = performance.now();
  const deadline = start + durationMs;
  let calls = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) step(calls + i);
    calls += batch;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

/** `step` over every item, each call awaited before the next: operations per second. */
export async function rateOver(items, step) {
  const start = performance.now();
  for (const item of items) await step(item);
  return (items.length * 1000) / (performance.now() - start);
}

/** `step` over every item, synchronously: operations per second. */
export function rateOverSync(items, step) {
  const start = performance.now();
  for (const item of items) step(item);
  return (items.length * 1000) / (performance.now() - start);
}
