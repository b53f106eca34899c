import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Task releases (POST /api/v1/tasks/{taskId}/release): a worker that hands a task back has not
 * spent a retry. `attempt` keeps counting acquisitions (it fences reports of an earlier
 * lease), `released` counts the acquisitions given back, so the retries spent are
 * attempt - released. A column with a constant default: no table rewrite (PostgreSQL 11+).
 */
export class TaskReleases1763800000080 implements MigrationInterface {
  name = 'TaskReleases1763800000080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN released integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP COLUMN released`);
  }
}
