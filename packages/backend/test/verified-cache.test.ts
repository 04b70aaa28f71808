import { describe, expect, it } from 'vitest';
import type { SessionClaims } from '../src/verify/claims';
import { type VerifiedEntry, VerifiedTokenCache } from '../src/verify/verified-cache';

const entry = (n: number): VerifiedEntry => ({
  claims: { n } as unknown as SessionClaims,
  verifiedAt: n,
  generation: 0,
});

/** Tokens that all end alike: only their beginnings differ. */
const sameTail = (prefix: string) => `${prefix}.eyJzdWIiOiJ1c2VyIn0.${'s'.repeat(342)}`;

describe('VerifiedTokenCache', () => {
  it('answers only for the exact token text, even when tokens share their tail', () => {
    const cache = new VerifiedTokenCache(10);
    const a = sameTail('aaaa');
    const b = sameTail('bbbb');
    cache.set(a, entry(1));
    expect(cache.get(a)).toEqual(entry(1));
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a.slice(1))).toBeUndefined();
    expect(cache.get(`x${a}`)).toBeUndefined();
    cache.delete(b);
    expect(cache.get(a)).toEqual(entry(1));
    cache.set(b, entry(2));
    expect(cache.get(b)).toEqual(entry(2));
    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.delete(b);
    expect(cache.size).toBe(0);
  });

  it('works for tokens shorter than the eight characters it files them by', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('a.b.c', entry(1));
    cache.set('x.a.b.c', entry(2));
    expect(cache.get('a.b.c')).toEqual(entry(1));
    expect(cache.get('x.a.b.c')).toEqual(entry(2));
    expect(cache.get('b.c')).toBeUndefined();
  });

  it('files a token that takes the key of another as the newest entry', () => {
    const cache = new VerifiedTokenCache(2);
    const a = sameTail('aaaa');
    const b = sameTail('bbbb'); // ends like a: the same key
    const c = `c.d.${'e'.repeat(40)}`;
    cache.set(a, entry(1));
    cache.set(c, entry(2));
    cache.set(b, entry(3)); // replaces a, after c
    cache.set(`f.g.${'h'.repeat(40)}`, entry(4)); // evicts the oldest: c, not b
    expect(cache.get(c)).toBeUndefined();
    expect(cache.get(b)).toEqual(entry(3));
    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('evicts oldest first, exactly as a list would, through many insertions and deletions', () => {
    const max = 50;
    const cache = new VerifiedTokenCache(max);
    const model: string[] = []; // insertion order, oldest first
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const token = (i: number) => `h.p.${i.toString(36).padStart(40, '0')}`;
    for (let step = 0; step < 20_000; step++) {
      const t = token(random(400));
      if (random(5) === 0) {
        cache.delete(t);
        const at = model.indexOf(t);
        if (at !== -1) model.splice(at, 1);
      } else {
        cache.set(t, entry(step));
        if (!model.includes(t)) {
          if (model.length >= max) model.shift();
          model.push(t);
        }
      }
      if (step % 97 === 0) {
        expect(cache.size).toBe(model.length);
        for (const kept of model) expect(cache.get(kept)).toBeDefined();
      }
    }
    expect(cache.size).toBe(model.length);
    for (let i = 0; i < 400; i++) {
      expect(cache.get(token(i)) !== undefined, token(i)).toBe(model.includes(token(i)));
    }
  });

  it('holds nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a.b.c', entry(1));
    expect(cache.size).toBe(0);
    expect(cache.get('a.b.c')).toBeUndefined();
  });
});
