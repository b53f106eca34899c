import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Clock } from '../common/clock';
import { Db } from '../database/db';
import { ed25519Signer, falUserId, publicJwk, publishedKeys, RETIRED_KEY_PUBLISHED_MS, type FalSigner, type FalSigning, type SigningJwk } from './domain/fal-signature';
import type { PayloadFormat } from './domain/subscription.types';
import { SigningKeysRepository, type StoredKey } from './infrastructure/signing-keys.repository';

/**
 * How often an instance asks which key is current (one indexed read of a tiny table): another
 * instance's rotation is signed with here within this time (the old key keeps verifying for 24 h).
 */
export const KEY_RELOAD_MS = 30_000;

export interface RotatedKey {
  kid: string;
  previousKid: string | null;
  /** The previous key stays in the JWKS (it still verifies) until then. */
  previousPublishedUntil: string | null;
}

/**
 * Herald's ED25519 webhook signing key (fal's webhook signature, domain/fal-signature.ts), shared
 * by every instance through webhook_signing_keys. Loaded before the delivery loops start (module
 * init) and kept in memory, so an attempt signs with no database read; the first instance to start
 * on an empty table makes it (race-free: see INSERT_FIRST_KEY). Every KEY_RELOAD_MS the current kid
 * is read again and a new one (another instance's rotation) loaded; a rotation here applies at once.
 */
@Injectable()
export class SigningKeys implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('SigningKeys');
  private current?: { kid: string; signer: FalSigner };
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly repo: SigningKeysRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensure();
    this.timer = setInterval(() => {
      this.reloading ??= this.reload()
        .catch((err) => this.log.warn(`reading the current signing key: ${(err as Error).message}`))
        .finally(() => (this.reloading = undefined));
    }, KEY_RELOAD_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
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

  /** The JWKS: the current key and those retired less than 24 h ago (read from the database: every instance answers the same). */
  async jwks(): Promise<{ keys: SigningJwk[] }> {
    const now = this.clock.now();
    return publishedKeys(await this.repo.published(this.db, new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS)), now);
  }

  /** A new current key; the previous one is retired (published, so verifying, for 24 h more). */
  async rotate(): Promise<RotatedKey> {
    const key = newKey(this.clock.now());
    const previousKid = await this.db.tx((tx) => this.repo.rotate(tx, key, new Date(key.createdAt.getTime() - RETIRED_KEY_PUBLISHED_MS)));
    this.use(key);
    this.log.log(`rotated the webhook signing key: ${key.kid} signs now${previousKid ? `, ${previousKid} retired` : ''}`);
    return {
      kid: key.kid,
      previousKid: previousKid ?? null,
      previousPublishedUntil: previousKid ? new Date(key.createdAt.getTime() + RETIRED_KEY_PUBLISHED_MS).toISOString() : null,
    };
  }

  /** Loads the current key, making the first one when there is none. */
  private async ensure(): Promise<void> {
    let key = await this.repo.current(this.db);
    if (!key) {
      key = await this.repo.insertFirst(this.db, newKey(this.clock.now()));
      if (key) this.log.log(`made the first webhook signing key ${key.kid}`);
      // Another instance inserted first: its key is the current one (this statement sees it committed).
      else key = await this.repo.current(this.db);
    }
    if (!key) throw new Error('no current webhook signing key after inserting one');
    this.use(key);
  }

  /** What the timer runs: reads the current kid and, when another instance rotated, loads the new key. */
  async reload(): Promise<void> {
    const kid = await this.repo.currentKid(this.db);
    if (kid === this.current?.kid) return;
    if (kid === undefined) return this.ensure();
    const key = await this.repo.current(this.db);
    if (key) this.use(key);
  }

  private use(key: StoredKey): void {
    const privateKey: KeyObject = createPrivateKey(key.privateKey);
    this.current = { kid: key.kid, signer: ed25519Signer(privateKey) };
  }
}

/** A fresh ED25519 key pair: its PKCS8 PEM and public JWK (kid: the JWK thumbprint). */
function newKey(at: Date): StoredKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  const jwk = publicJwk(x!);
  return { kid: jwk.kid, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), jwk, createdAt: at };
}
