import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexesConcurrently, type ConcurrentIndex } from './concurrent-indexes';

/**
 * Indexes for the search's kind filter (Herald's extension of HKube's search, GET|POST
 * /api/v1/exec/search?kind=pipeline|queue, src/jobs/infrastructure/job-search.repository.ts):
 * newest-first (or oldest-first) pages of one kind, over every project or one project's jobs.
 * Without them a page of the rarer kind walks past every newer job of the other kind (the
 * project filter alone pages by jobs_project_created_idx). The key columns never change after a
 * job is inserted, so the job's status updates stay as cheap as before (HOT where they were).
 * Built CONCURRENTLY (outside a transaction) so that a large jobs table keeps taking writes
 * meanwhile; an index left invalid by an interrupted build is dropped and built again.
 */
const INDEXES: ConcurrentIndex[] = [
  {
    name: 'jobs_kind_created_idx',
    create: `CREATE INDEX CONCURRENTLY jobs_kind_created_idx ON jobs (kind, created_at DESC, job_id DESC)`,
  },
  {
    name: 'jobs_project_kind_created_idx',
    create: `CREATE INDEX CONCURRENTLY jobs_project_kind_created_idx ON jobs (project_id, kind, created_at DESC, job_id DESC) WHERE project_id IS NOT NULL`,
  },
];

export class SearchKindIndexes1763800000105 implements MigrationInterface {
  name = 'SearchKindIndexes1763800000105';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexesConcurrently(q, INDEXES);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(q, INDEXES);
  }
}
