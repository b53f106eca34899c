import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { projectNotFound, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { ApiError, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseWith } from '../../common/zod-validation';
import { jobNotFound } from '../../jobs/domain/job.errors';
import { lastEventIdInvalid } from '../domain/stream-errors';
import { EventLogStreams } from '../event-log-streams.service';
import { sseResponse } from './sse-response';
import { ApiEventStream, ApiLastEventId, EventsStreamQuery, StreamedEvent } from './streams.schemas';

@ApiTags('streams')
@Controller('api/v1/events')
export class EventsStreamController {
  constructor(private readonly streams: EventLogStreams) {}

  @Get('stream')
  @ApiOperation({
    summary: 'The event log as server-sent events, from now on (or right after Last-Event-ID): `event:` the type, `id:` the global position',
    description: "A project key gets its own project's events only. Last-Event-ID 0 starts at the beginning of the log.",
  })
  @ApiQueryFrom(EventsStreamQuery)
  @ApiLastEventId('global position')
  @ApiEventStream('text/event-stream of events', StreamedEvent)
  @ApiError(400, errorExample(() => parseWith(EventsStreamQuery, { types: 'job.exploded' })), errorExample(lastEventIdInvalid('42', 'there is no event at position 42')))
  @ApiError(404, errorExample(projectNotFound('acme')), errorExample(jobNotFound('batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10')))
  @RequireScope('jobs:read')
  async stream(@CurrentCaller() caller: Caller, @Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = parseWith(EventsStreamQuery, query ?? {});
    await this.streams.stream(caller, q, req.header('last-event-id'), () => sseResponse(res));
  }
}
