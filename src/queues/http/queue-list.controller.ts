import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseWith } from '../../common/zod-validation';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { QueuesService } from '../queues.service';
import { QueueList, QueueListQuery } from './queues.schemas';

/** The named queues there are: GET /api/v1/queues (a queue's own settings: QueueSettingsController). */
@ApiTags('queues')
@Controller('api/v1/queues')
export class QueueListController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOperation({
    summary: "List the named queues by name (paging: limit, cursor): every queue with settings or an unfinished request, its settings and its pending and active requests; a project key counts and finds its project's requests only",
  })
  @ApiQueryFrom(QueueListQuery)
  @ApiAnswer(200, 'One page of queues', QueueList)
  @ApiError(400, errorExample(() => parseWith(QueueListQuery, { limit: '0' })), errorExample(() => parseWith(QueueListQuery, { cursor: '-bad' })))
  @RequireScope('jobs:read')
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.queues.list(caller, parseWith(QueueListQuery, query ?? {}));
  }
}
