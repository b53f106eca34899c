import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { RequestTraceparent, WorkerRequestId } from '../../common/request-meta';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { parseBody, parseWith } from '../../common/zod-validation';
import { AcquireTasksCommand } from '../commands/acquire-tasks.command';
import { CompleteTasksCommand } from '../commands/complete-tasks.command';
import { ReportTaskCommand } from '../commands/report-task.command';
import { leaseExpired, leaseNotHeld, taskNotActive, taskNotFound } from '../domain/job.errors';
import {
  AcquireAnswer,
  AcquireRequest,
  CompleteManyAnswer,
  CompleteManyRequest,
  CompleteQuery,
  CompleteRequest,
  FailRequest,
  HeartbeatAnswer,
  HeartbeatRequest,
  parseTaskId,
  ReportAnswer,
} from './jobs.schemas';

const TASK = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
const badTaskId = errorExample(() => parseTaskId('not-a-uuid'));
const notFound = errorExample(taskNotFound(TASK));
/** The refusals of a report from a worker that no longer holds a live lease. */
const refused = [errorExample(taskNotActive(TASK, 'succeed', 'active')), errorExample(leaseNotHeld(TASK)), errorExample(leaseExpired(TASK, '2026-01-01T00:00:30.000Z'))];

/** The worker contract: any process that speaks HTTP can run tasks. A project key's worker takes and reports its project's tasks only. */
@ApiTags('workers')
@RequireScope('workers')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(private readonly commands: CommandBus) {}

  @Post('acquire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take up to `max` pending tasks under a lease; an empty list when nothing is pending' })
  @ApiJsonBody(AcquireRequest)
  @ApiAnswer(200, 'The tasks now leased to this worker', AcquireAnswer)
  @ApiError(400, errorExample(() => parseBody(AcquireRequest, { workerName: 'worker-1', max: 0 })))
  acquire(@CurrentCaller() caller: Caller, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined) {
    const b = parseBody(AcquireRequest, body);
    return this.commands.execute(new AcquireTasksCommand(b.workerName, { algorithmNames: b.algorithmNames, queues: b.queues }, b.leaseSeconds, b.max, requestId, caller, traceparent));
  }

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report many results at once (up to 1000); each is accepted or refused alone, in order in the answer' })
  @ApiJsonBody(CompleteManyRequest)
  @ApiAnswer(200, 'One entry per result: recorded, or refused with its error', CompleteManyAnswer)
  @ApiError(400, errorExample(() => parseBody(CompleteManyRequest, { workerName: 'worker-1', tasks: [{ taskId: TASK }, { taskId: TASK }] })))
  completeMany(@CurrentCaller() caller: Caller, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined) {
    const b = parseBody(CompleteManyRequest, body);
    const tasks = b.tasks.map((t) => ({ taskId: t.taskId.toLowerCase(), result: t.result ?? null, attempt: t.attempt }));
    return this.commands.execute(new CompleteTasksCommand(b.workerName, tasks, requestId, caller, traceparent));
  }

  @Post(':taskId/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the lease; 409 when the lease expired or the task was stopped' })
  @ApiJsonBody(HeartbeatRequest)
  @ApiAnswer(200, 'The new lease expiry', HeartbeatAnswer)
  @ApiError(400, errorExample(() => parseBody(HeartbeatRequest, { workerName: 'worker-1', leaseSeconds: 0 })), badTaskId)
  @ApiError(404, notFound)
  @ApiError(409, ...refused)
  async heartbeat(@CurrentCaller() caller: Caller, @Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined) {
    const b = parseBody(HeartbeatRequest, body);
    const out = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'heartbeat', leaseSeconds: b.leaseSeconds, attempt: b.attempt }, requestId, caller, traceparent));
    return { leaseExpiry: out.leaseExpiry };
  }

  @Post(':taskId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report the result of a task you hold; with next=true, also take the next pending task of the same algorithm or queue (`next`, null when none)' })
  @ApiQueryFrom(CompleteQuery)
  @ApiJsonBody(CompleteRequest)
  @ApiAnswer(200, 'The task succeeded (and, with next=true, the next task taken)', ReportAnswer)
  @ApiError(400, errorExample(() => parseBody(CompleteRequest, { result: 1 })), errorExample(() => parseWith(CompleteQuery, { next: 'maybe' })), badTaskId)
  @ApiError(404, notFound)
  @ApiError(409, ...refused)
  async complete(@CurrentCaller() caller: Caller, @Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined, @Query() query: unknown) {
    const b = parseBody(CompleteRequest, body);
    const takeNext = parseWith(CompleteQuery, query ?? {}).next;
    const { filter, ...out } = await this.commands.execute(
      new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'complete', result: b.result ?? null, attempt: b.attempt }, requestId, caller, traceparent),
    );
    if (takeNext === undefined || takeNext === 'false') return out;
    const { tasks } = await this.commands.execute(new AcquireTasksCommand(b.workerName, filter, undefined, 1, requestId, caller, traceparent));
    return { ...out, next: tasks[0] ?? null };
  }

  @Post(':taskId/fail')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a failure; retryable (default) failures go back to pending until retry.limit' })
  @ApiJsonBody(FailRequest)
  @ApiAnswer(200, 'The task is pending again (to be retried) or failed', ReportAnswer)
  @ApiError(400, errorExample(() => parseBody(FailRequest, { workerName: 'worker-1', retryable: 'no' })), badTaskId)
  @ApiError(404, notFound)
  @ApiError(409, ...refused)
  async fail(@CurrentCaller() caller: Caller, @Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined) {
    const b = parseBody(FailRequest, body);
    const { filter: _filter, ...out } = await this.commands.execute(
      new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'fail', error: b.error, retryable: b.retryable, attempt: b.attempt }, requestId, caller, traceparent),
    );
    return out;
  }
}
