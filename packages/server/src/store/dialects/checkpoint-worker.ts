/**
 * The checkpoint worker (`sqlite-checkpointer.ts` starts it): on a connection of its own, it copies
 * the WAL into the database file every `intervalMs`, PASSIVE so that it never blocks the writer, until
 * told to stop. Built as its own file (`dist/checkpoint-worker.js`), loaded by URL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export interface CheckpointWorkerData {
  readonly path: string;
  readonly intervalMs: number;
}

function checkpoint(db: SQLite.Database): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked for a moment: the next interval tries again.
  }
}

function run(port: NonNullable<typeof parentPort>, { path, intervalMs }: CheckpointWorkerData): void {
  const db = new SQLite(path);
  // Never wait for the writer: a checkpoint that cannot start now starts at the next interval.
  db.pragma('busy_timeout = 0');
  const timer = setInterval(() => checkpoint(db), intervalMs);
  port.once('message', () => {
    clearInterval(timer);
    checkpoint(db);
    db.close();
    port.close();
  });
}

if (parentPort) run(parentPort, workerData as CheckpointWorkerData);
