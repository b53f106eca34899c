import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checks that let writes be pipelined (sent without waiting for their results): a statement
 * whose precondition fails raises an error, which rolls the whole transaction back, instead of
 * quietly writing nothing for the caller to notice one round trip later.
 */
export class PipelinedWrites1763800000005 implements MigrationInterface {
  name = 'PipelinedWrites1763800000005';

  async up(q: QueryRunner): Promise<void> {
    // An append names the version its stream must be at; any other version is a conflict
    // (SQLSTATE HR409, the stream's real version in DETAIL).
    await q.query(`
      CREATE FUNCTION events_expect_version(p_stream text, p_expected integer) RETURNS boolean
      LANGUAGE plpgsql AS $$
      DECLARE actual integer;
      BEGIN
        SELECT coalesce(max(version), 0) INTO actual FROM events WHERE stream_id = p_stream;
        IF actual <> p_expected THEN
          RAISE EXCEPTION 'stream % is at version %, not %', p_stream, actual, p_expected
            USING ERRCODE = 'HR409', DETAIL = actual::text;
        END IF;
        RETURN true;
      END $$`);
    // A named invariant of a write (SQLSTATE HR500 unless the caller names its own).
    await q.query(`
      CREATE FUNCTION herald_assert(p_ok boolean, p_message text, p_code text DEFAULT 'HR500') RETURNS boolean
      LANGUAGE plpgsql AS $$
      BEGIN
        IF p_ok IS NOT TRUE THEN
          RAISE EXCEPTION '%', p_message USING ERRCODE = p_code;
        END IF;
        RETURN true;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION herald_assert(boolean, text, text)`);
    await q.query(`DROP FUNCTION events_expect_version(text, integer)`);
  }
}
