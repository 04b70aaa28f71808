import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc;

/** Heap in use after a full collection, in bytes (exposes `gc` for this process on first use). */
export function settledHeapBytes() {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
