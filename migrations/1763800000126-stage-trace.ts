import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracing (docs/TRACING.md): a webhook stage run keeps the W3C traceparent of the append that
 * expanded its node (the events' metadata), so that each of its calls, in whichever instance and
 * however late, is a span of the job's trace, read with the run when it is claimed (no statement
 * of its own). Null when tracing is off. Nullable without a default: adding it rewrites nothing.
 */
export class StageTrace1763800000126 implements MigrationInterface {
  name = 'StageTrace1763800000126';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_stage_runs ADD COLUMN trace_parent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_stage_runs DROP COLUMN trace_parent`);
  }
}
