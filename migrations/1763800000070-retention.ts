import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (src/maintenance, docs/RETENTION.md):
 *  - webhook_messages_final_idx: the messages in a final state by the time they reached it, the
 *    order in which retention removes them. Partial: a message enters it once, when it becomes
 *    final. Built CONCURRENTLY (outside a transaction) so that a large webhook_messages table
 *    keeps taking writes meanwhile; an index left invalid by an interrupted build is built again.
 *  - webhook_attempts stays append-only, except for retention: UPDATE is always refused, DELETE
 *    only in a transaction that set `herald.retention` to `on` (SET LOCAL). TRUNCATE stays
 *    refused. The trigger swap is one DO block, so it is atomic without a transaction.
 */
const FINAL_INDEX = 'webhook_messages_final_idx';

export class Retention1763800000070 implements MigrationInterface {
  name = 'Retention1763800000070';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const [existing] = (await q.query(`SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`, [FINAL_INDEX])) as Array<{ valid: boolean }>;
    if (!existing?.valid) {
      if (existing) await q.query(`DROP INDEX CONCURRENTLY ${FINAL_INDEX}`);
      await q.query(`CREATE INDEX CONCURRENTLY ${FINAL_INDEX} ON webhook_messages (updated_at) WHERE status IN ('delivered', 'failed', 'superseded', 'cancelled')`);
    }
    await q.query(`
      DO $$ BEGIN
        DROP TRIGGER IF EXISTS webhook_attempts_no_update_delete ON webhook_attempts;
        CREATE OR REPLACE TRIGGER webhook_attempts_no_update BEFORE UPDATE ON webhook_attempts
          FOR EACH ROW EXECUTE FUNCTION events_reject_change();
        CREATE OR REPLACE TRIGGER webhook_attempts_no_delete BEFORE DELETE ON webhook_attempts
          FOR EACH ROW WHEN (current_setting('herald.retention', true) IS DISTINCT FROM 'on')
          EXECUTE FUNCTION events_reject_change();
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        DROP TRIGGER IF EXISTS webhook_attempts_no_delete ON webhook_attempts;
        DROP TRIGGER IF EXISTS webhook_attempts_no_update ON webhook_attempts;
        CREATE OR REPLACE TRIGGER webhook_attempts_no_update_delete BEFORE UPDATE OR DELETE ON webhook_attempts
          FOR EACH ROW EXECUTE FUNCTION events_reject_change();
      END $$`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${FINAL_INDEX}`);
  }
}
