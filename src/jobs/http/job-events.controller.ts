import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseWith } from '../../common/zod-validation';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { jobNotFound } from '../domain/job.errors';
import { JobQueries } from '../job-queries.service';
import { JobEvents, JobEventsQuery } from './jobs.schemas';

@ApiTags('audit')
@Controller('api/v1/jobs')
export class JobEventsController {
  constructor(private readonly queries: JobQueries) {}

  @Get(':jobId/events')
  @ApiOperation({ summary: "The job's event stream, for audit (paged by fromVersion / limit)" })
  @ApiQueryFrom(JobEventsQuery)
  @ApiAnswer(200, 'Events in version order; nextVersion is null on the last page', JobEvents)
  @ApiError(400, errorExample(() => parseWith(JobEventsQuery, { fromVersion: '0' })))
  @ApiError(404, errorExample(jobNotFound('batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10')))
  @RequireScope('jobs:read')
  events(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string, @Query() query: unknown) {
    const { fromVersion, limit } = parseWith(JobEventsQuery, query ?? {});
    return this.queries.events(caller, jobId, fromVersion, limit);
  }
}
