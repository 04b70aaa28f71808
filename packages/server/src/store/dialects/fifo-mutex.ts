/** A lock handed to waiters in the order they asked, so a steady stream of callers cannot starve one. */
export class FifoMutex {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  get locked(): boolean {
    return this.#locked;
  }

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Like `lock`, but ahead of everyone already waiting: for work that must not wait behind them. */
  lockFirst(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.unshift(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    // The next waiter inherits the lock: it is never free in between for a newcomer to take.
    if (next) next();
    else this.#locked = false;
  }
}
