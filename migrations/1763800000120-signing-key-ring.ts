import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signing keys as a ring (docs/SECURITY.md "Signing keys"; src/webhooks/domain/signing-key-ring.ts):
 * besides the current key, a **next** key that the JWKS publishes before it signs anything, and
 * revoked keys that it never publishes again.
 *
 * - `is_next`: the next key (`retired_at` NULL, like the current one, and `is_next` true). One
 *   current and one next at most: webhook_signing_keys_ring_idx replaces
 *   webhook_signing_keys_current_idx.
 * - `current_since`: when the key began to sign (NULL: it never did); the keys already there
 *   began at their `created_at`.
 * - `revoked_at`: when it was revoked; a revoked key is never current or next (it has a
 *   `retired_at`), and its private part is erased (`private_key` NULL).
 *
 * The previous release keeps working on this schema: it still takes `retired_at` NULL rows for
 * the current key (it may sign with the next one, which the JWKS publishes) and publishes the
 * rows retired less than 24 h ago; its rotation retires both rows and inserts a current one (new
 * instances then make a next key again).
 */
export class SigningKeyRing1763800000120 implements MigrationInterface {
  name = 'SigningKeyRing1763800000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_signing_keys
        ADD COLUMN is_next       boolean     NOT NULL DEFAULT false,
        ADD COLUMN current_since timestamptz,
        ADD COLUMN revoked_at    timestamptz,
        ALTER COLUMN private_key DROP NOT NULL,
        ADD CONSTRAINT webhook_signing_keys_revoked_check CHECK (revoked_at IS NULL OR retired_at IS NOT NULL),
        ADD CONSTRAINT webhook_signing_keys_private_check CHECK (private_key IS NOT NULL OR revoked_at IS NOT NULL)`);
    await q.query(`UPDATE webhook_signing_keys SET current_since = created_at`);
    await q.query(`CREATE UNIQUE INDEX webhook_signing_keys_ring_idx ON webhook_signing_keys (is_next) WHERE retired_at IS NULL`);
    await q.query(`DROP INDEX webhook_signing_keys_current_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM webhook_signing_keys WHERE is_next OR revoked_at IS NOT NULL`);
    await q.query(`DROP INDEX webhook_signing_keys_ring_idx`);
    await q.query(`CREATE UNIQUE INDEX webhook_signing_keys_current_idx ON webhook_signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL`);
    await q.query(`
      ALTER TABLE webhook_signing_keys
        DROP CONSTRAINT webhook_signing_keys_private_check,
        DROP CONSTRAINT webhook_signing_keys_revoked_check,
        ALTER COLUMN private_key SET NOT NULL,
        DROP COLUMN revoked_at,
        DROP COLUMN current_since,
        DROP COLUMN is_next`);
  }
}
