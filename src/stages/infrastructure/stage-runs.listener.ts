import type { Tx } from '../../database/db';
import type { JobEventsListener, AppendedJobEvent } from '../../jobs/job-events.listener';
import type { JobEventMap } from '../../jobs/domain/job.events';
import { initialRun } from '../domain/webhook-run';
import { StageRunsRepository } from './stage-runs.repository';

/**
 * In the append's transaction: a webhook node's expansion creates one run per task (due at
 * once), and the end of a job turns its unfinished runs to cancel. `onNewRuns` wakes this
 * instance's runner once the transaction commits. With tracing on, the runs keep the expansion's
 * traceparent (the append's span, in the event's metadata): their calls are spans of its trace.
 */
export class StageRunsListener implements JobEventsListener {
  constructor(
    private readonly repo: StageRunsRepository,
    private readonly onNewRuns: () => void,
  ) {}

  onJobEvents(tx: Tx, appended: AppendedJobEvent[]): void {
    let created = false;
    for (const { event, summary } of appended) {
      const at = event.createdAt.toISOString();
      if (event.type === 'node.expanded') {
        const data = event.data as JobEventMap['node.expanded'];
        if (data.kind !== 'webhook') continue;
        tx.defer(this.repo.insertRuns(tx, event.streamId, data.nodeName, data.tasks.map((t) => t.taskId), initialRun(), at, event.metadata.traceparent));
        created = true;
      } else if ((event.type === 'job.stopped' || event.type === 'job.failed') && summary.nodes.some((n) => n.kind === 'webhook' && n.expanded)) {
        tx.defer(this.repo.markJobEnded(tx, event.streamId, at));
        created = true;
      }
    }
    if (created) tx.afterCommit(this.onNewRuns);
  }
}
