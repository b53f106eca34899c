import type { Db, Tx } from '../../database/db';
import { EventStoreRepository } from '../../event-store/event-store.repository';
import type { RecordedEvent } from '../../event-store/event.types';
import { JOB_STREAM, type JobEvent } from '../domain/job.events';
import type { JobSummary } from '../domain/job.state';
import { JobProjector } from './job.projector';
import { JobsRepository } from './jobs.repository';

export interface RebuildOptions {
  /** Stream ids read per query. */
  streamPage?: number;
  /** Events of one stream read per query: bounds memory per stream. */
  eventPage?: number;
}

export interface RebuildResult {
  jobs: number;
  events: number;
}

/**
 * Replays every job stream into fresh `jobs` and `tasks` read models, through the same
 * JobProjector the append transaction uses, so a rebuild produces the rows live traffic did.
 *
 * Everything happens in one transaction: readers keep seeing the old rows until it commits,
 * and `LOCK TABLE jobs, tasks IN EXCLUSIVE MODE` makes live writers (which lock or insert a
 * job row before projecting) wait instead of interleaving. The `events` table is only read.
 */
export async function rebuildJobProjections(db: Db, options: RebuildOptions = {}): Promise<RebuildResult> {
  const streamPage = options.streamPage ?? 500;
  const eventPage = options.eventPage ?? 1000;
  const store = new EventStoreRepository();
  const projector = new JobProjector(new JobsRepository());

  return db.tx(async (tx) => {
    await tx.query('LOCK TABLE jobs, tasks IN EXCLUSIVE MODE');
    await tx.query('DELETE FROM tasks');
    await tx.query('DELETE FROM jobs');

    let jobs = 0;
    let events = 0;
    let after = 0;
    for (;;) {
      const streams = await store.streamIds(tx, JOB_STREAM, after, streamPage);
      if (streams.length === 0) break;
      for (const { streamId, position } of streams) {
        events += await replayStream(tx, store, projector, streamId, eventPage);
        jobs += 1;
        after = position;
      }
    }
    return { jobs, events };
  });
}

/** Replays one stream page by page, in version order; returns the number of events applied. */
async function replayStream(sql: Tx, store: EventStoreRepository, projector: JobProjector, streamId: string, pageSize: number): Promise<number> {
  let state: JobSummary | undefined;
  let applied = 0;
  let fromVersion = 1;
  for (;;) {
    const page = await store.readStream(sql, streamId, fromVersion, pageSize);
    if (page.length === 0) break;
    // Consecutive events with the same time were decided together (one command): apply them
    // as one group, which saves an UPDATE of the job row per event.
    for (const group of groupByTime(page.filter((e) => e.streamType === JOB_STREAM))) {
      const at = group[0].createdAt.toISOString();
      const snapshots = projector.apply(sql, state, group.map(toJobEvent), at);
      state = snapshots[snapshots.length - 1];
      applied += group.length;
    }
    fromVersion = page[page.length - 1].version + 1;
    if (page.length < pageSize) break;
  }
  return applied;
}

function toJobEvent(e: RecordedEvent): JobEvent {
  return { type: e.type, data: e.data } as JobEvent;
}

function groupByTime(events: RecordedEvent[]): RecordedEvent[][] {
  const groups: RecordedEvent[][] = [];
  for (const e of events) {
    const last = groups[groups.length - 1];
    if (last && last[0].createdAt.getTime() === e.createdAt.getTime()) last.push(e);
    else groups.push([e]);
  }
  return groups;
}
