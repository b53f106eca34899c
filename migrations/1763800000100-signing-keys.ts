import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Herald's own webhook signing keys (ED25519, fal's webhook signature; docs/SECURITY.md "Signing
 * keys"): shared by every instance. The current key is the one row with `retired_at` NULL (a
 * unique partial index keeps it to one, so instances starting together insert one with ON
 * CONFLICT DO NOTHING and all read the same); a rotation retires it, and the JWKS keeps
 * publishing a retired key for 24 h. The private key is PKCS8 PEM, kept plain like webhook secrets.
 */
export class SigningKeys1763800000100 implements MigrationInterface {
  name = 'SigningKeys1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_signing_keys (
        kid          text        PRIMARY KEY,
        private_key  text        NOT NULL,
        public_jwk   jsonb       NOT NULL,
        created_at   timestamptz NOT NULL,
        retired_at   timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX webhook_signing_keys_current_idx ON webhook_signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_signing_keys`);
  }
}
