import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData } from './checkpoint-worker';

/** How often the WAL is copied back into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * SQLite starts the WAL over only when a write begins after a checkpoint copied all of it. Under
 * writes that never pause the worker's checkpoint never quite catches up (each batch follows the
 * last at once), so the serving connection still checkpoints, as a backstop, once the WAL holds this
 * many pages (about 200 MB): by then the worker has copied nearly all of it, and the WAL starts over.
 * A checkpoint on the serving connection stalls it for milliseconds, so it must be rare: at the
 * fastest this server writes, 50,000 pages take several seconds without a single idle moment.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 50_000;

/**
 * The worker's module, `checkpoint-worker.ts`, built by tsup beside the bundle that holds this one
 * (`dist/`). Run from the sources (vitest), this module is a .ts file that Node cannot load as a
 * worker, so it takes the package's build instead: `npm test` builds first.
 */
function workerUrl(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./checkpoint-worker.js', import.meta.url);
  return new URL('../../../dist/checkpoint-worker.js', import.meta.url);
}

export interface Checkpointer {
  stop(): Promise<void>;
}

/** The worker starts this long after the database opens, so that it costs a cold start nothing. */
const START_DELAY_MS = 1000;

/**
 * SQLite's automatic checkpoint copies the WAL into the database file, and fsyncs it, inside whichever
 * commit crosses the threshold: on the event loop, a stall of milliseconds every few hundred writes.
 * Once this worker thread runs, on a connection of its own, it checkpoints in the background
 * (PASSIVE: it never blocks the writer) and the serving connection checkpoints only as a backstop,
 * fifty times less often. Until then, or should the worker die, the serving connection checkpoints as
 * SQLite does by default.
 */
export function startCheckpointer(
  path: string,
  serving: { pragma(source: string): unknown },
  backstopPages = BACKSTOP_AUTOCHECKPOINT_PAGES,
): Checkpointer {
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  const start = () => {
    const workerData: CheckpointWorkerData = { path, intervalMs: CHECKPOINT_INTERVAL_MS };
    const running = new Worker(workerUrl(), { workerData });
    running.unref();
    running.on('error', () => {});
    running.once('online', () => {
      if (!stopping) serving.pragma(`wal_autocheckpoint = ${backstopPages}`);
    });
    exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    void exited.then(() => {
      if (!stopping) serving.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    worker = running;
  };
  const timer = setTimeout(start, START_DELAY_MS);
  timer.unref();
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (!worker) return;
      // Unreferenced while it runs, so it never keeps a process alive; closing must wait for it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
