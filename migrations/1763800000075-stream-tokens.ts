import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stream tokens (src/streams, docs/API.md "Live streams"): a token lets a browser's EventSource,
 * which sends no headers, open one job's status stream for ten minutes. Only its SHA-256 digest
 * is kept, with the job it is for, the job's project and the key that asked for it (a token
 * dies with its key); any instance checks it. Expired rows are removed as new tokens are made.
 */
export class StreamTokens1763800000075 implements MigrationInterface {
  name = 'StreamTokens1763800000075';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_tokens (
        token_hash  bytea       PRIMARY KEY,
        job_id      text        NOT NULL,
        project_id  text,
        key_id      uuid,
        created_at  timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX stream_tokens_expires_idx ON stream_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stream_tokens`);
  }
}
