import { Injectable } from '@nestjs/common';
import { nodeContext, nodeOutput } from '../jobs/domain/job.decide';
import { isNodeDone, type JobSummary, type Task } from '../jobs/domain/job.state';
import type { PipelineSpec } from '../jobs/domain/pipeline.types';
import { JobStore } from '../jobs/job-store.service';
import type { ExpressionScope } from './domain/stage-expression';

/** What a stage's expressions read: flowInput, jobId, its task's input, finished nodes it depends on. */
@Injectable()
export class StageScopes {
  constructor(private readonly store: JobStore) {}

  /** With `own`, the stage reads its own context too (its cancel request). */
  async scope(job: JobSummary, spec: PipelineSpec, task: Task, own?: unknown): Promise<ExpressionScope> {
    const self = job.nodes.find((n) => n.nodeName === task.nodeName);
    const deps = (self?.deps ?? []).filter((d) => {
      const n = job.nodes.find((x) => x.nodeName === d);
      return n !== undefined && isNodeDone(n);
    });
    const results = await this.store.repo.nodeResults(this.store.db, job.jobId, deps);
    return {
      flowInput: spec.flowInput ?? {},
      jobId: job.jobId,
      input: task.input,
      stage: (name) => {
        if (own !== undefined && name === task.nodeName) return { result: null, context: own, status: 'running' };
        if (!deps.includes(name)) return undefined;
        const node = job.nodes.find((n) => n.nodeName === name)!;
        return {
          result: nodeOutput(node, results[name] ?? []),
          context: nodeContext(node, results[name] ?? []),
          status: node.failed > 0 ? 'failed' : node.stopped > 0 ? 'stopped' : 'succeeded',
        };
      },
    };
  }
}
