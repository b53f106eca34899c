import { Injectable } from '@nestjs/common';
import { startClientSpan, UNTRACED_CLIENT, type ClientSpan } from './client-span';
import { ATTR_HERALD_JOB_ID, ATTR_HERALD_NODE_NAME, ATTR_HERALD_STAGE_CALL, ATTR_HERALD_STAGE_PHASE, ATTR_HERALD_TASK_ID } from './span-attributes';
import { Tracing } from './tracing.service';

/** One call of a webhook stage, as the stage runner makes it. */
export interface StageCallRef {
  jobId: string;
  taskId: string;
  nodeName: string;
  /** The create call, a poll of the status URL, or the cancel request. */
  phase: 'create' | 'monitor' | 'cancel';
  /** Calls of this phase made before this one, plus one. */
  call: number;
  /** The run's `trace_parent`: the span of the append that expanded the stage's node (none: the call starts a trace). */
  traceParent?: string | null;
}

/**
 * Webhook stage call spans (WebhookStageRunner): an HTTP client span per call (create, poll,
 * cancel), a child of the append that expanded the stage's node, whose `traceparent` the run row
 * keeps: every call of a stage, in whichever instance and however late, is in the job's trace,
 * and the request carries the call's `traceparent` header. Untraced (tracing off): the headers
 * are left as they are and nothing is made. Only the endpoint's scheme, host and port are recorded.
 */
@Injectable()
export class StageCallTracing {
  constructor(private readonly tracing: Tracing) {}

  start(call: StageCallRef, request: { method: string; url: string }): ClientSpan {
    if (!this.tracing.enabled) return UNTRACED_CLIENT;
    return startClientSpan(
      this.tracing,
      request.method,
      request.url,
      {
        [ATTR_HERALD_JOB_ID]: call.jobId,
        [ATTR_HERALD_TASK_ID]: call.taskId,
        [ATTR_HERALD_NODE_NAME]: call.nodeName,
        [ATTR_HERALD_STAGE_PHASE]: call.phase,
        [ATTR_HERALD_STAGE_CALL]: call.call,
      },
      call.traceParent,
    );
  }
}
