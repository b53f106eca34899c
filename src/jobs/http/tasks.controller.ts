import { Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { RequestTraceparent, WorkerRequestId } from '../../common/request-meta';
import { projectOf, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { parseBody, parseWith } from '../../common/zod-validation';
import { AcquireTasksCommand, type AcquiredTask } from '../commands/acquire-tasks.command';
import { TaskWaits } from '../task-waits.service';
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
  ReleaseRequest,
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
  constructor(
    private readonly commands: CommandBus,
    private readonly waits: TaskWaits,
  ) {}

  @Post('acquire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take up to `max` pending tasks under a lease; an empty list when nothing is pending (with `waitSeconds`, once that time passed without a task)' })
  @ApiJsonBody(AcquireRequest)
  @ApiAnswer(200, 'The tasks now leased to this worker', AcquireAnswer)
  @ApiError(400, errorExample(() => parseBody(AcquireRequest, { workerName: 'worker-1', max: 0 })), errorExample(() => parseBody(AcquireRequest, { workerName: 'worker-1', waitSeconds: 60 })))
  async acquire(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @WorkerRequestId() requestId: string,
    @RequestTraceparent() traceparent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ tasks: AcquiredTask[] }> {
    const b = parseBody(AcquireRequest, body);
    const acquire = async (): Promise<AcquiredTask[]> => (await this.commands.execute(new AcquireTasksCommand(b.workerName, { algorithmNames: b.algorithmNames, queues: b.queues }, b.leaseSeconds, b.max, requestId, caller, traceparent))).tasks;
    if (b.waitSeconds === 0) return { tasks: await acquire() };
    // A worker that hangs up while waiting stops the wait; tasks taken for it after that go back at once.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const project = projectOf(caller);
    const filter = { algorithmNames: b.algorithmNames, queues: b.queues, ...(project !== null ? { projectId: project } : {}) };
    const tasks = await this.waits.acquiring(filter, b.max, b.waitSeconds * 1000, gone.signal, acquire);
    if (gone.signal.aborted && tasks.length > 0) {
      for (const t of tasks) await this.commands.execute(new ReportTaskCommand(t.taskId, b.workerName, { kind: 'release', attempt: t.attempt }, requestId, caller, traceparent)).catch(() => undefined);
      return { tasks: [] };
    }
    return { tasks };
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

  @Post(':taskId/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand a task you hold back (a worker stopping): pending again at once for any worker, no retry spent' })
  @ApiJsonBody(ReleaseRequest)
  @ApiAnswer(200, 'The task is pending again', ReportAnswer)
  @ApiError(400, errorExample(() => parseBody(ReleaseRequest, { workerName: 'worker 1' })), badTaskId)
  @ApiError(404, notFound)
  @ApiError(409, ...refused)
  async release(@CurrentCaller() caller: Caller, @Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string, @RequestTraceparent() traceparent: string | undefined) {
    const b = parseBody(ReleaseRequest, body);
    const { filter: _filter, ...out } = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'release', attempt: b.attempt }, requestId, caller, traceparent));
    return out;
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
