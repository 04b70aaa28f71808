import type { SessionClaims } from './claims';

/**
 * Claims of tokens whose signature and shape were already verified, keyed by the exact token text.
 * Bounded: past `maxEntries` the oldest entry goes first. A hit still goes through the time, issuer
 * and party checks, so an entry never admits a token past its `exp`; an expired entry is dropped on
 * its next lookup. The verifier also ignores an entry made under another key set, or older than the
 * key source allows.
 */
/** A verification, with what it depended on: when it happened and which key set it used. */
export interface VerifiedEntry {
  readonly claims: SessionClaims;
  readonly verifiedAt: number;
  readonly generation: number;
}

export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedEntry>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedEntry | undefined {
    return this.#entries.get(token);
  }

  set(token: string, entry: VerifiedEntry): void {
    if (this.maxEntries === 0) return;
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(token)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, entry);
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }
}
