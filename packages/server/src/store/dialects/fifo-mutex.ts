/** A wait for the lock that lasted its whole bound: the holder is stuck or the queue is too long. */
export class LockWaitTimeout extends Error {
  override readonly name = 'LockWaitTimeout';
  readonly code = 'TESSERA_LOCK_WAIT_TIMEOUT';

  constructor(timeoutMs: number) {
    super(`waited ${timeoutMs} ms for the open transaction to end`);
  }
}

interface Waiter {
  readonly grant: () => void;
}

/**
 * A lock handed to waiters in the order they asked, so a steady stream of callers cannot starve one.
 * A wait given a timeout gives up after it: a transaction that never ends must not hang every request.
 */
export class FifoMutex {
  #locked = false;
  readonly #waiting: Waiter[] = [];

  get locked(): boolean {
    return this.#locked;
  }

  lock(timeoutMs?: number): Promise<void> {
    return this.#enqueue(false, timeoutMs);
  }

  /** Like `lock`, but ahead of everyone already waiting: for work that must not wait behind them. */
  lockFirst(): Promise<void> {
    return this.#enqueue(true, undefined);
  }

  unlock(): void {
    const next = this.#waiting.shift();
    // The next waiter inherits the lock: it is never free in between for a newcomer to take.
    if (next) next.grant();
    else this.#locked = false;
  }

  #enqueue(first: boolean, timeoutMs: number | undefined): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const index = this.#waiting.indexOf(waiter);
          if (index !== -1) this.#waiting.splice(index, 1);
          reject(new LockWaitTimeout(timeoutMs));
        }, timeoutMs);
      }
      if (first) this.#waiting.unshift(waiter);
      else this.#waiting.push(waiter);
    });
  }
}
