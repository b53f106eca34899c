import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AcquireTasksCommand } from '../commands/acquire-tasks.command';
import { CompleteTasksCommand } from '../commands/complete-tasks.command';
import { ReportTaskCommand } from '../commands/report-task.command';
import { WorkerRequestId } from '../../common/request-meta';
import { ACQUIRE_SCHEMA, COMPLETE_MANY_SCHEMA, COMPLETE_SCHEMA, FAIL_SCHEMA, HEARTBEAT_SCHEMA } from './openapi.schemas';
import { parseAcquire, parseComplete, parseCompleteMany, parseFail, parseHeartbeat, parseNextFlag, parseTaskId } from './worker-requests';

/** The worker contract: any process that speaks HTTP can run tasks. */
@ApiTags('workers')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(private readonly commands: CommandBus) {}

  @Post('acquire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take up to `max` pending tasks under a lease; an empty list when nothing is pending' })
  @ApiBody({ schema: ACQUIRE_SCHEMA })
  acquire(@Body() body: unknown, @WorkerRequestId() requestId: string) {
    const b = parseAcquire(body);
    return this.commands.execute(new AcquireTasksCommand(b.workerName, { algorithmNames: b.algorithmNames, queues: b.queues }, b.leaseSeconds, b.max, requestId));
  }

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report many results at once (up to 1000); each is accepted or refused alone, in order in the answer' })
  @ApiBody({ schema: COMPLETE_MANY_SCHEMA })
  completeMany(@Body() body: unknown, @WorkerRequestId() requestId: string) {
    const b = parseCompleteMany(body);
    return this.commands.execute(new CompleteTasksCommand(b.workerName, b.tasks, requestId));
  }

  @Post(':taskId/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the lease; 409 when the lease expired or the task was stopped' })
  @ApiBody({ schema: HEARTBEAT_SCHEMA })
  async heartbeat(@Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string) {
    const b = parseHeartbeat(body);
    const out = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'heartbeat', leaseSeconds: b.leaseSeconds, attempt: b.attempt }, requestId));
    return { leaseExpiry: out.leaseExpiry };
  }

  @Post(':taskId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report the result of a task you hold; with next=true, also take the next pending task of the same algorithm or queue (`next`, null when none)' })
  @ApiQuery({ name: 'next', required: false, type: Boolean })
  @ApiBody({ schema: COMPLETE_SCHEMA })
  async complete(@Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string, @Query('next') next?: string) {
    const b = parseComplete(body);
    const takeNext = parseNextFlag(next);
    const { filter, ...out } = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'complete', result: b.result, attempt: b.attempt }, requestId));
    if (!takeNext) return out;
    const { tasks } = await this.commands.execute(new AcquireTasksCommand(b.workerName, filter, undefined, 1, requestId));
    return { ...out, next: tasks[0] ?? null };
  }

  @Post(':taskId/fail')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a failure; retryable (default) failures go back to pending until retry.limit' })
  @ApiBody({ schema: FAIL_SCHEMA })
  async fail(@Param('taskId') taskId: string, @Body() body: unknown, @WorkerRequestId() requestId: string) {
    const b = parseFail(body);
    const { filter: _filter, ...out } = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'fail', error: b.error, retryable: b.retryable, attempt: b.attempt }, requestId));
    return out;
  }
}
