import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/domain-error';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { DatabaseConnection } from '../database/database.module';
import { Db } from '../database/db';
import { PgListener } from '../database/pg-listener';
import { ed25519Signer, falUserId, publicJwk, RETIRED_KEY_PUBLISHED_MS, type FalSigner, type FalSigning, type SigningJwk } from './domain/fal-signature';
import { completion, expiredBefore, keyState, publishedKeys, publishedUntil, revocation, ringOrder, rotation, type RingChange, type RingKey, type SigningKeyState } from './domain/signing-key-ring';
import type { PayloadFormat } from './domain/subscription.types';
import { KEYS_CHANNEL, SigningKeysRepository, type StoredKey } from './infrastructure/signing-keys.repository';

/**
 * How often an instance asks which key is current (one indexed read of a tiny table) when it
 * heard nothing: the fallback of the ring's NOTIFY (a lost LISTEN connection), and what brings a
 * ring an earlier release rotated back to a next key.
 */
export const KEY_RELOAD_MS = 30_000;

export const signingKeyNotFound = (kid: string) => new NotFoundError('SIGNING_KEY_NOT_FOUND', `signing key ${kid} does not exist`);

export interface RotatedKey {
  kid: string;
  previousKid: string | null;
  /** The previous key stays in the JWKS (it still verifies) until then. */
  previousPublishedUntil: string | null;
  /** The new next key: published from now on, signing from the next rotation. */
  nextKid: string;
}

export interface SigningKeyListing {
  kid: string;
  state: SigningKeyState;
  createdAt: string;
  currentSince: string | null;
  retiredAt: string | null;
  revokedAt: string | null;
  publishedUntil: string | null;
}

export interface RevokedKey {
  kid: string;
  /** What the key was before this revoke (`revoked`: it was revoked already, nothing changed). */
  previousState: SigningKeyState;
  revokedAt: string;
  currentKid: string;
  nextKid: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Herald's ED25519 webhook signing keys (fal's webhook signature, domain/fal-signature.ts; the
 * ring's rules: domain/signing-key-ring.ts), shared by every instance through
 * webhook_signing_keys. The current key is loaded before the delivery loops start (module init)
 * and kept in memory, so an attempt signs with no database read; the first instance to start on
 * an empty table makes the current and the next key (under the ring's lock). Every change of the
 * ring (rotation, revoke) NOTIFYs every instance, which reads the current kid again at once; it
 * also does every KEY_RELOAD_MS. A change made here applies here at once.
 */
@Injectable()
export class SigningKeys implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('SigningKeys');
  private current?: { kid: string; signer: FalSigner };
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private again = false;
  private closed = false;
  private readonly listener?: PgListener;

  constructor(
    private readonly db: Db,
    private readonly repo: SigningKeysRepository,
    private readonly clock: Clock,
    connection: DatabaseConnection,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    // Only an instance that delivers signs; an API-only one answers from the table.
    if (config.webhooks.workers) this.listener = new PgListener(connection.url, KEYS_CHANNEL, 'herald-signing-keys', () => this.reloadSoon(), 'SigningKeys');
  }

  async onModuleInit(): Promise<void> {
    await this.ensure();
    await this.listener?.listen();
    this.timer = setInterval(() => {
      void this.listener?.listen();
      this.reloadSoon();
    }, KEY_RELOAD_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.listener?.close();
    await this.reloading;
  }

  /** The current key's id (undefined before start-up loaded it). */
  get kid(): string | undefined {
    return this.current?.kid;
  }

  /** What signs a message's attempts with fal's headers: its fal.result webhooks only (synchronous, from memory). */
  falSigning(msg: { kind: PayloadFormat; jobId: string; projectId: string | null }): FalSigning | undefined {
    if (msg.kind !== 'fal.result' || !this.current) return undefined;
    // The fal body's request_id is the request's jobId (falWebhookBody).
    return { requestId: msg.jobId, userId: falUserId(msg.projectId), signer: this.current.signer };
  }

  /** The JWKS: current, next, and the keys retired less than 24 h ago (read from the database: every instance answers the same). */
  async jwks(): Promise<{ keys: SigningJwk[] }> {
    const now = this.clock.now();
    return publishedKeys(await this.repo.published(this.db, new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS)), now);
  }

  /** Every key of the ring with its state and times (never a private part). */
  async list(): Promise<{ keys: SigningKeyListing[] }> {
    return { keys: ringOrder(await this.repo.ring(this.db)).map(listing) };
  }

  /** next → current (signing here at once, elsewhere as soon as the NOTIFY arrives), current → retired (published 24 h more), a new next. */
  async rotate(): Promise<RotatedKey> {
    const { before, after, at } = await this.change((ring) => rotation(ring));
    const previous = before.find((k) => keyState(k) === 'current');
    const now = after.find((k) => keyState(k) === 'current')!;
    this.log.log(`rotated the webhook signing key: ${now.kid} signs now${previous ? `, ${previous.kid} retired` : ''}`);
    return {
      kid: now.kid,
      previousKid: previous?.kid ?? null,
      previousPublishedUntil: previous ? new Date(at.getTime() + RETIRED_KEY_PUBLISHED_MS).toISOString() : null,
      nextKid: after.find((k) => keyState(k) === 'next')!.kid,
    };
  }

  /**
   * Revokes `kid`: out of the JWKS at once, never signing again; the current key's revoke
   * promotes next first. A key revoked before answers as it is (idempotent); an unknown one is
   * SIGNING_KEY_NOT_FOUND.
   */
  async revoke(kid: string): Promise<RevokedKey> {
    let was: SigningKeyState = 'revoked';
    const { after } = await this.change((ring) => {
      const r = revocation(ring, kid);
      if (r.outcome === 'unknown') throw signingKeyNotFound(kid);
      if (r.outcome === 'already') return undefined;
      was = r.was;
      return r.change;
    });
    const key = after.find((k) => k.kid === kid)!;
    if (was !== 'revoked') this.log.warn(`revoked the webhook signing key ${kid} (was ${was}); ${this.current?.kid} signs now`);
    return {
      kid,
      previousState: was,
      revokedAt: key.revokedAt!.toISOString(),
      currentKid: after.find((k) => keyState(k) === 'current')!.kid,
      nextKid: after.find((k) => keyState(k) === 'next')!.kid,
    };
  }

  /** Loads the current key, completing the ring first when it lacks a current or a next key. */
  private async ensure(): Promise<void> {
    const live = await this.repo.liveKids(this.db);
    if (!live.current || !live.next) {
      const { made } = await this.change((ring) => completion(ring));
      if (made.length) this.log.log(`made webhook signing key(s) ${made.join(', ')}`);
    }
    const key = await this.repo.current(this.db);
    if (!key) throw new Error('no current webhook signing key after making one');
    this.use(key);
  }

  /** What the NOTIFY and the timer run: one reload at a time, and one more if asked meanwhile. */
  private reloadSoon(): void {
    if (this.closed) return;
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.reload()
      .catch((err) => this.log.warn(`reading the current signing key: ${(err as Error).message}`))
      .finally(() => {
        this.reloading = undefined;
        if (this.again) {
          this.again = false;
          this.reloadSoon();
        }
      });
  }

  /** Reads the current kid and loads the key when the ring changed elsewhere (or completes the ring). */
  async reload(): Promise<void> {
    const live = await this.repo.liveKids(this.db);
    if (live.current && live.next && live.current === this.current?.kid) return;
    return this.ensure();
  }

  /**
   * One change of the ring under its lock: `plan` decides on the ring as it is (undefined: no
   * change); the keys it needs are made here; the new current key signs here once it committed.
   */
  private async change(plan: (ring: RingKey[]) => RingChange | undefined): Promise<{ before: RingKey[]; after: RingKey[]; at: Date; made: string[] }> {
    const at = this.clock.now();
    const result = await this.db.tx(async (tx) => {
      const before = await this.repo.lockRing(tx);
      const change = plan(before);
      if (!change) return { before, made: [] as StoredKey[] };
      const made = { current: change.makeCurrent ? newKey(at) : undefined, next: change.makeNext ? newKey(at) : undefined };
      await this.repo.apply(tx, change, at, made, expiredBefore(at));
      return { before, made: [made.current, made.next].filter((k): k is StoredKey => k !== undefined) };
    });
    const after = await this.repo.ring(this.db);
    const current = await this.repo.current(this.db);
    if (current) this.use(current);
    return { before: result.before, after, at, made: result.made.map((k) => k.kid) };
  }

  private use(key: StoredKey): void {
    if (this.current?.kid === key.kid) return;
    const privateKey: KeyObject = createPrivateKey(key.privateKey);
    this.current = { kid: key.kid, signer: ed25519Signer(privateKey) };
  }
}

function listing(k: RingKey): SigningKeyListing {
  return {
    kid: k.kid,
    state: keyState(k),
    createdAt: k.createdAt.toISOString(),
    currentSince: iso(k.currentSince),
    retiredAt: iso(k.retiredAt),
    revokedAt: iso(k.revokedAt),
    publishedUntil: iso(publishedUntil(k)),
  };
}

/** A fresh ED25519 key pair: its PKCS8 PEM and public JWK (kid: the JWK thumbprint). */
function newKey(at: Date): StoredKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  const jwk = publicJwk(x!);
  return { kid: jwk.kid, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), jwk, createdAt: at };
}
