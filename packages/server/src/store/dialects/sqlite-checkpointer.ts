import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the WAL is copied back into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

// Plain CommonJS evaluated in the worker, so it runs the same from the sources and from the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driverPath);
const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * SQLite's automatic checkpoint copies the WAL into the database file, and fsyncs it, inside whichever
 * commit crosses the threshold: on the event loop, a stall of milliseconds every few hundred writes.
 * The serving connection turns it off and this worker thread, on a connection of its own, checkpoints
 * in the background instead (PASSIVE: it never blocks the writer). Should the worker die, the serving
 * connection takes automatic checkpoints back, so the WAL cannot grow without bound.
 */
export function startCheckpointer(path: string, onLost: () => void): Checkpointer {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driverPath, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => {});
  void exited.then(() => {
    if (!stopping) onLost();
  });
  return {
    async stop() {
      stopping = true;
      // Unreferenced while it runs, so it never keeps a process alive; closing must wait for it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
