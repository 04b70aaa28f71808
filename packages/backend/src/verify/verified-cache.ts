import type { SessionClaims } from './claims';

/** A verification, with what it depended on: when it happened and which key set it used. */
export interface VerifiedEntry {
  readonly claims: SessionClaims;
  readonly verifiedAt: number;
  readonly generation: number;
}

interface Slot {
  readonly token: string;
  readonly entry: VerifiedEntry;
}

/**
 * How much of a token's end files it: the last 32 characters, all signature in an RS256 JWT (192 of
 * its bits). Hashing a whole token for a Map costs about a microsecond (V8 hashes every character of
 * a string it has not hashed before, and each token is a new string); the tail costs next to nothing.
 */
const TAIL_LENGTH = 32;

/**
 * Claims of tokens whose signature and shape were already verified, keyed by the exact token text:
 * filed by the token's tail, but an entry answers only for the very text it was made for, so two
 * texts sharing a tail never share an entry (the later `set` replaces the earlier one; a lookup of
 * the other is a miss). Only verified tokens are added, so a made-up token with the tail of a
 * cached one gets nothing but that miss.
 * Bounded: past `maxEntries` the oldest entry goes first. A hit still goes through the time, issuer
 * and party checks, so an entry never admits a token past its `exp`; an expired entry is dropped on
 * its next lookup. The verifier also ignores an entry made under another key set, or older than the
 * key source allows.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Slot>();
  /**
   * Finds the oldest entry. Kept from one eviction to the next: a Map leaves a hole where an entry
   * was deleted until it compacts, and a fresh `keys()` walks over every hole at the front, which
   * once full (thousands of holes) cost more than the RSA check itself. This one resumes where it
   * stopped. It stays on the oldest entry: entries are only appended, and each it yields is
   * deleted at once, so every live entry lies ahead of it, in insertion order.
   */
  #oldest: MapIterator<string> | undefined;
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedEntry | undefined {
    const slot = this.#entries.get(token.slice(-TAIL_LENGTH));
    return slot !== undefined && slot.token === token ? slot.entry : undefined;
  }

  set(token: string, entry: VerifiedEntry): void {
    if (this.maxEntries === 0) return;
    const tail = token.slice(-TAIL_LENGTH);
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(tail)) {
      this.#oldest ??= this.#entries.keys();
      let oldest = this.#oldest.next();
      if (oldest.done) {
        // Only when nothing lay ahead, which a full map rules out; a finished iterator stays finished.
        this.#oldest = this.#entries.keys();
        oldest = this.#oldest.next();
      }
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(tail, { token, entry });
  }

  delete(token: string): void {
    const tail = token.slice(-TAIL_LENGTH);
    if (this.#entries.get(tail)?.token === token) this.#entries.delete(tail);
  }
}
