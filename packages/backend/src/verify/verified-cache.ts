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
 * The number an entry is filed under: a 30-bit hash of the token's last eight characters, all
 * signature in an RS256 JWT. A Map keyed by strings hashes and compares each new string it is given
 * (every token is a new string), which cost about a microsecond per lookup; a small integer key
 * costs a tenth of that.
 */
function slotKey(token: string): number {
  const end = token.length;
  let hash = 0x811c9dc5;
  for (let i = 1; i <= 8; i++) hash = Math.imul(hash ^ (token.charCodeAt(end - i) | 0), 0x01000193);
  return hash & 0x3fffffff;
}

/**
 * Claims of tokens whose signature and shape were already verified, keyed by the exact token text:
 * filed under `slotKey`, but an entry answers only for the very text it was made for, so two texts
 * with the same key never share an entry (the later `set` replaces the earlier one; a lookup of the
 * other is a miss). Only verified tokens are added, so a made-up token with the key of a cached one
 * gets nothing but that miss.
 * Bounded: past `maxEntries` the oldest entry goes first. A hit still goes through the time, issuer
 * and party checks, so an entry never admits a token past its `exp`; an expired entry is dropped on
 * its next lookup. The verifier also ignores an entry made under another key set, or older than the
 * key source allows.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<number, Slot>();
  /**
   * Finds the oldest entry. Kept from one eviction to the next: a Map leaves a hole where an entry
   * was deleted until it compacts, and a fresh `keys()` walks over every hole at the front, which
   * once full (thousands of holes) cost more than the RSA check itself. This one resumes where it
   * stopped. It stays on the oldest entry: entries are only appended, and each it yields is
   * deleted at once, so every live entry lies ahead of it, in insertion order.
   */
  #oldest: MapIterator<number> | undefined;
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedEntry | undefined {
    const slot = this.#entries.get(slotKey(token));
    return slot !== undefined && slot.token === token ? slot.entry : undefined;
  }

  set(token: string, entry: VerifiedEntry): void {
    if (this.maxEntries === 0) return;
    const key = slotKey(token);
    const filed = this.#entries.get(key);
    if (filed !== undefined) {
      // Another token under the same key gives way, so the newer one is filed as the newest entry.
      if (filed.token !== token) this.#entries.delete(key);
    } else if (this.#entries.size >= this.maxEntries) {
      this.#oldest ??= this.#entries.keys();
      let oldest = this.#oldest.next();
      if (oldest.done) {
        // Only when nothing lay ahead, which a full map rules out; a finished iterator stays finished.
        this.#oldest = this.#entries.keys();
        oldest = this.#oldest.next();
      }
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { token, entry });
  }

  delete(token: string): void {
    const key = slotKey(token);
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}
