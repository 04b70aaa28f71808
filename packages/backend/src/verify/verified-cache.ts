import type { SessionClaims } from './claims';

/**
 * Claims of tokens whose signature and shape were already verified, keyed by the exact token text.
 * Bounded: past `maxEntries` the oldest entry goes first. A hit still goes through the time, issuer
 * and party checks, so an entry never admits a token past its `exp`; an expired entry is dropped on
 * its next lookup.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, SessionClaims>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): SessionClaims | undefined {
    return this.#entries.get(token);
  }

  set(token: string, claims: SessionClaims): void {
    if (this.maxEntries === 0) return;
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(token)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }
}
