import { generateKeyPairSync } from 'node:crypto';
import { publicJwk } from '../../src/webhooks/domain/fal-signature';
import {
  applyChange,
  completion,
  isPublished,
  keyState,
  publishedKeys,
  publishedUntil,
  revocation,
  ringOrder,
  rotation,
  type RingChange,
  type RingKey,
} from '../../src/webhooks/domain/signing-key-ring';

const T0 = new Date('2026-12-04T12:00:00.000Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

let made = 0;
/** A fresh key as the service makes one (only its kid matters to the ring). */
function fresh(at: Date): RingKey {
  made++;
  const jwk = publicJwk(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!);
  return { kid: jwk.kid, jwk, next: false, createdAt: at, currentSince: null, retiredAt: null, revokedAt: null };
}

/** Applies a change with fresh keys where it makes some, as the service does. */
const apply = (ring: RingKey[], change: RingChange, at: Date) =>
  applyChange(ring, change, at, { current: change.makeCurrent ? fresh(at) : undefined, next: change.makeNext ? fresh(at) : undefined });

const states = (ring: RingKey[]) => ringOrder(ring).map(keyState);
const kidOf = (ring: RingKey[], state: string) => ring.find((k) => keyState(k) === state)?.kid;

/** A ring is complete: exactly one current and one next key. */
function expectComplete(ring: RingKey[]): void {
  expect(ring.filter((k) => keyState(k) === 'current')).toHaveLength(1);
  expect(ring.filter((k) => keyState(k) === 'next')).toHaveLength(1);
}

/** The ring of a first start at T0. */
function firstRing(): RingKey[] {
  const change = completion([])!;
  expect(change).toEqual({ retire: [], revoke: [], promote: null, makeCurrent: true, makeNext: true });
  return apply([], change, T0);
}

describe('the signing key ring', () => {
  it('starts with a current and a next key, both published, current first; a complete ring needs nothing', () => {
    const ring = firstRing();
    expectComplete(ring);
    expect(completion(ring)).toBeUndefined();
    expect(publishedKeys(ring, T0).keys.map((k) => k.kid)).toEqual([kidOf(ring, 'current'), kidOf(ring, 'next')]);
    expect(ring.find((k) => keyState(k) === 'current')!.currentSince).toEqual(T0);
    expect(ring.find((k) => keyState(k) === 'next')!.currentSince).toBeNull();
  });

  it('completes a ring that lacks its next key (an earlier release rotated) or its current key (next promoted)', () => {
    const ring = firstRing();
    const noNext = ring.filter((k) => keyState(k) !== 'next');
    expect(completion(noNext)).toEqual({ retire: [], revoke: [], promote: null, makeCurrent: false, makeNext: true });
    expectComplete(apply(noNext, completion(noNext)!, hours(1)));
    const noCurrent = ring.filter((k) => keyState(k) !== 'current');
    const next = kidOf(ring, 'next')!;
    expect(completion(noCurrent)).toEqual({ retire: [], revoke: [], promote: next, makeCurrent: false, makeNext: true });
    const healed = apply(noCurrent, completion(noCurrent)!, hours(1));
    expectComplete(healed);
    expect(kidOf(healed, 'current')).toBe(next);
  });

  it('rotates next → current, current → retired (published 24 h more), and makes a new next', () => {
    const ring = firstRing();
    const [c0, n0] = [kidOf(ring, 'current')!, kidOf(ring, 'next')!];
    const change = rotation(ring);
    expect(change).toEqual({ retire: [c0], revoke: [], promote: n0, makeCurrent: false, makeNext: true });
    const after = apply(ring, change, hours(1));
    expectComplete(after);
    expect(kidOf(after, 'current')).toBe(n0);
    expect(kidOf(after, 'retired')).toBe(c0);
    const n1 = kidOf(after, 'next')!;
    expect([c0, n0]).not.toContain(n1);
    // The JWKS: current, then next, then retired.
    expect(publishedKeys(after, hours(1)).keys.map((k) => k.kid)).toEqual([n0, n1, c0]);
    const retired = after.find((k) => k.kid === c0)!;
    expect(publishedUntil(retired)).toEqual(hours(25));
    expect(isPublished(retired, new Date(hours(25).getTime() - 1))).toBe(true);
    expect(isPublished(retired, hours(25))).toBe(false);
    expect(publishedKeys(after, hours(25)).keys.map((k) => k.kid)).toEqual([n0, n1]);
  });

  it('keeps a JWKS fetched before a rotation valid after it (it holds the key that signs), but not after a second one', () => {
    let ring = firstRing();
    const cached = new Set(publishedKeys(ring, T0).keys.map((k) => k.kid));
    ring = apply(ring, rotation(ring), hours(1));
    expect(cached.has(kidOf(ring, 'current')!)).toBe(true);
    ring = apply(ring, rotation(ring), hours(2));
    expect(cached.has(kidOf(ring, 'current')!)).toBe(false);
  });

  it('deletes retired keys at the first change 24 h or more after their retirement, and lists newest retirements first', () => {
    let ring = firstRing();
    const c0 = kidOf(ring, 'current')!;
    ring = apply(ring, rotation(ring), hours(1));
    const c1 = kidOf(ring, 'current')!;
    ring = apply(ring, rotation(ring), hours(2));
    expect(states(ring)).toEqual(['current', 'next', 'retired', 'retired']);
    expect(ringOrder(ring).slice(2).map((k) => k.kid)).toEqual([c1, c0]);
    ring = apply(ring, rotation(ring), hours(25));
    expect(ring.map((k) => k.kid)).not.toContain(c0);
    expect(ring.map((k) => k.kid)).toContain(c1);
  });

  it('revokes the current key by promoting next first (signing never stops) and making a new next; out of the JWKS at once', () => {
    const ring = firstRing();
    const [c0, n0] = [kidOf(ring, 'current')!, kidOf(ring, 'next')!];
    const r = revocation(ring, c0);
    expect(r).toMatchObject({ outcome: 'revoke', was: 'current', change: { retire: [], revoke: [c0], promote: n0, makeCurrent: false, makeNext: true } });
    if (r.outcome !== 'revoke') throw new Error('revoke expected');
    const after = apply(ring, r.change, hours(1));
    expectComplete(after);
    expect(kidOf(after, 'current')).toBe(n0);
    expect(kidOf(after, 'revoked')).toBe(c0);
    expect(publishedKeys(after, hours(1)).keys.map((k) => k.kid)).toEqual([n0, kidOf(after, 'next')]);
    const revoked = after.find((k) => k.kid === c0)!;
    expect([revoked.revokedAt, revoked.retiredAt, publishedUntil(revoked), isPublished(revoked, hours(1))]).toEqual([hours(1), hours(1), null, false]);
    // Revoked keys stay (listed last), even 24 h later.
    const later = apply(after, rotation(after), hours(30));
    expect(states(later)).toEqual(['current', 'next', 'retired', 'revoked']);
  });

  it('revokes the next key (a new next) and a retired key (nothing else changes)', () => {
    let ring = firstRing();
    const n0 = kidOf(ring, 'next')!;
    const r = revocation(ring, n0);
    expect(r).toMatchObject({ outcome: 'revoke', was: 'next', change: { retire: [], revoke: [n0], promote: null, makeCurrent: false, makeNext: true } });
    if (r.outcome !== 'revoke') throw new Error('revoke expected');
    ring = apply(ring, r.change, hours(1));
    expectComplete(ring);
    expect(publishedKeys(ring, hours(1)).keys.map((k) => k.kid)).not.toContain(n0);
    ring = apply(ring, rotation(ring), hours(2));
    const retired = kidOf(ring, 'retired')!;
    const rr = revocation(ring, retired);
    expect(rr).toMatchObject({ outcome: 'revoke', was: 'retired', change: { retire: [], revoke: [retired], promote: null, makeCurrent: false, makeNext: false } });
    if (rr.outcome !== 'revoke') throw new Error('revoke expected');
    const after = apply(ring, rr.change, hours(3));
    const key = after.find((k) => k.kid === retired)!;
    // It keeps its retirement time; it is no longer published.
    expect([keyState(key), key.retiredAt, key.revokedAt]).toEqual(['revoked', hours(2), hours(3)]);
    expect(publishedKeys(after, hours(3)).keys.map((k) => k.kid)).toEqual([kidOf(after, 'current'), kidOf(after, 'next')]);
  });

  it('answers a second revoke with the key as it is, and an unknown kid as unknown', () => {
    const ring = firstRing();
    const c0 = kidOf(ring, 'current')!;
    const r = revocation(ring, c0);
    if (r.outcome !== 'revoke') throw new Error('revoke expected');
    const after = apply(ring, r.change, hours(1));
    expect(revocation(after, c0)).toEqual({ outcome: 'already', key: after.find((k) => k.kid === c0) });
    expect(revocation(after, 'no-such-kid')).toEqual({ outcome: 'unknown' });
  });

  it('stays complete through any sequence of rotations and revokes, never publishing a revoked key', () => {
    let ring = firstRing();
    const revoked = new Set<string>();
    for (let i = 1; i <= 40; i++) {
      const at = hours(i * 7);
      const pick = ['current', 'next', 'retired', 'rotate'][i % 4];
      if (pick === 'rotate') ring = apply(ring, rotation(ring), at);
      else {
        const kid = kidOf(ring, pick);
        if (!kid) continue;
        const r = revocation(ring, kid);
        if (r.outcome !== 'revoke') throw new Error('revoke expected');
        ring = apply(ring, r.change, at);
        revoked.add(kid);
      }
      expectComplete(ring);
      const published = publishedKeys(ring, at).keys.map((k) => k.kid);
      expect(published.slice(0, 2)).toEqual([kidOf(ring, 'current'), kidOf(ring, 'next')]);
      expect(published.filter((k) => revoked.has(k))).toEqual([]);
    }
    expect(made).toBeGreaterThan(40);
  });
});
