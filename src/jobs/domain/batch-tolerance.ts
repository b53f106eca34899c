import { jobEvent, type JobEvent } from './job.events';
import type { JobSummary, NodeSummary } from './job.state';
import { errorText } from './job.errors';

/**
 * The failed share of a batch node as the pipeline engine rounds it: a whole percent
 * (toFixed(0)), compared with batchTolerance, so 79.5% reaches a tolerance of 80%.
 */
export function failedPercent(node: Pick<NodeSummary, 'failed' | 'total'>): number {
  return Number(((node.failed / node.total) * 100).toFixed(0));
}

/**
 * The job.failed a node's failures call for, if any (checked before anything else advances):
 * - a node without batch input fails the job with its task's error;
 * - a batch node fails it once its rounded failed share reaches batchTolerance, with the engine's
 *   message `"f/n (p%) failed tasks, batch tolerance is t%, error: <latest task error>"`.
 * Either way the event names the node (status `nodeName`).
 */
export function toleranceFailure(job: JobSummary): JobEvent | undefined {
  const tolerance = job.options.batchTolerance;
  for (const node of job.nodes) {
    if (node.total === 0 || node.failed === 0) continue;
    const error = node.lastError ?? 'task failed';
    if (!node.batch) return jobEvent('job.failed', { error, nodeName: node.nodeName });
    const percent = failedPercent(node);
    if (percent >= tolerance) {
      return jobEvent('job.failed', {
        error: `${node.failed}/${node.total} (${percent}%) failed tasks, batch tolerance is ${tolerance}%, error: ${error}`,
        nodeName: node.nodeName,
      });
    }
  }
  return undefined;
}
