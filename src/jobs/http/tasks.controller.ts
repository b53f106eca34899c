import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcquireTasksCommand } from '../commands/acquire-tasks.command';
import { ReportTaskCommand } from '../commands/report-task.command';
import { ACQUIRE_SCHEMA, COMPLETE_SCHEMA, FAIL_SCHEMA, HEARTBEAT_SCHEMA } from './openapi.schemas';
import { parseAcquire, parseComplete, parseFail, parseHeartbeat, parseTaskId } from './worker-requests';

/** The worker contract: any process that speaks HTTP can run tasks. */
@ApiTags('workers')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(private readonly commands: CommandBus) {}

  @Post('acquire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take up to `max` pending tasks under a lease; an empty list when nothing is pending' })
  @ApiBody({ schema: ACQUIRE_SCHEMA })
  acquire(@Body() body: unknown) {
    const b = parseAcquire(body);
    return this.commands.execute(new AcquireTasksCommand(b.workerName, { algorithmNames: b.algorithmNames, queues: b.queues }, b.leaseSeconds, b.max));
  }

  @Post(':taskId/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the lease; 409 when the lease expired or the task was stopped' })
  @ApiBody({ schema: HEARTBEAT_SCHEMA })
  async heartbeat(@Param('taskId') taskId: string, @Body() body: unknown) {
    const b = parseHeartbeat(body);
    const out = await this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'heartbeat', leaseSeconds: b.leaseSeconds, attempt: b.attempt }));
    return { leaseExpiry: out.leaseExpiry };
  }

  @Post(':taskId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report the result of a task you hold' })
  @ApiBody({ schema: COMPLETE_SCHEMA })
  complete(@Param('taskId') taskId: string, @Body() body: unknown) {
    const b = parseComplete(body);
    return this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'complete', result: b.result, attempt: b.attempt }));
  }

  @Post(':taskId/fail')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a failure; retryable (default) failures go back to pending until retry.limit' })
  @ApiBody({ schema: FAIL_SCHEMA })
  fail(@Param('taskId') taskId: string, @Body() body: unknown) {
    const b = parseFail(body);
    return this.commands.execute(new ReportTaskCommand(parseTaskId(taskId), b.workerName, { kind: 'fail', error: b.error, retryable: b.retryable, attempt: b.attempt }));
  }
}
