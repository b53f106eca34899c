import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { streamTokenJobOf } from '../../auth/stream-token-access';
import { ApiAnswer, ApiError, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseWith } from '../../common/zod-validation';
import { jobNotFound } from '../../jobs/domain/job.errors';
import { StatusView } from '../../jobs/http/jobs.schemas';
import { lastEventIdInvalid } from '../domain/stream-errors';
import { StatusStreams } from '../status-streams.service';
import { StreamTokens } from '../stream-tokens.service';
import { sseResponse } from './sse-response';
import { ApiEventStream, ApiLastEventId, StatusStreamQuery, StreamTokenAnswer } from './streams.schemas';

const notFound = errorExample(jobNotFound('batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10'));

@ApiTags('streams')
@Controller('api/v1/exec/status')
export class StatusStreamController {
  constructor(
    private readonly streams: StatusStreams,
    private readonly tokens: StreamTokens,
  ) {}

  @Get(':jobId/stream')
  @ApiOperation({
    summary: "The job's status as server-sent events: at once, then after each new event at or above ?level=, ending after the final one",
    description:
      'Each event is the body of GET /api/v1/exec/status/{jobId} (and of the progress webhook) right after one of the job\'s events; its id is that event\'s version. ' +
      'Last-Event-ID resumes right after that version (204 when the job has ended and nothing is left). A comment every HERALD_STREAM_KEEPALIVE_MS while idle. ' +
      'Browsers (EventSource) authenticate with ?token= from POST …/stream-token.',
  })
  @ApiQueryFrom(StatusStreamQuery)
  @ApiLastEventId('version')
  @ApiEventStream('text/event-stream of status views', StatusView, 'Resumed after the final snapshot: nothing more will come')
  @ApiError(400, errorExample(() => parseWith(StatusStreamQuery, { level: 'loud' })), errorExample(lastEventIdInvalid('x', 'must be a version this stream sent')))
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  async stream(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string, @Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { level } = parseWith(StatusStreamQuery, query ?? {});
    // A stream token opens the stream of its own job only.
    const tokenJob = streamTokenJobOf(req);
    if (tokenJob !== undefined && tokenJob !== jobId) throw jobNotFound(jobId);
    await this.streams.stream(caller, jobId, { level, lastEventId: req.header('last-event-id') }, () => sseResponse(res));
  }

  @Post(':jobId/stream-token')
  @HttpCode(201)
  @ApiOperation({ summary: "A token for this job's status stream alone (?token=, for EventSource, which sends no headers), valid ten minutes, on every instance" })
  @ApiAnswer(201, 'The token', StreamTokenAnswer)
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  token(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.tokens.issue(caller, jobId);
  }
}
