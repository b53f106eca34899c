import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only event store. Every lifecycle change of every job is one row here;
 * operators audit Herald with plain SQL against this table (see docs/ARCHITECTURE.md).
 */
export class EventStore1763800000000 implements MigrationInterface {
  name = 'EventStore1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text        NOT NULL,
        stream_type     text        NOT NULL,
        version         integer     NOT NULL CHECK (version > 0),
        event_type      text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at      timestamptz NOT NULL,
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
      )`);
    await q.query(`CREATE INDEX events_transaction_position_idx ON events (transaction_id, global_position)`);
    await q.query(`CREATE INDEX events_type_created_idx ON events (event_type, created_at)`);

    await q.query(`
      CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_reject_change()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change()`);

    // Asynchronous consumers keep their position here, written in their own transaction.
    await q.query(`
      CREATE TABLE consumer_checkpoints (
        consumer        text        PRIMARY KEY,
        transaction_id  xid8        NOT NULL,
        global_position bigint      NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consumer_checkpoints`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION events_reject_change()`);
  }
}
