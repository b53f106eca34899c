import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live instances (issue: faults and several instances): each running Herald keeps its row's
 * heartbeat fresh; queue jobs it claims carry its id (pgboss.job.output->>'by'). A row whose
 * heartbeat is older than the takeover delay is a dead instance: any live one deletes it and
 * releases its claims in the same statement, so its unfinished deliveries are taken again within
 * seconds instead of after the queue's claim expiry.
 */
export class Instances1763800000040 implements MigrationInterface {
  name = 'Instances1763800000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE herald_instances (
        instance_id uuid PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE herald_instances`);
  }
}
