import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '../../common/domain-error';
import { JobQueries } from '../job-queries.service';

@ApiTags('audit')
@Controller('api/v1/jobs')
export class JobEventsController {
  constructor(private readonly queries: JobQueries) {}

  @Get(':jobId/events')
  @ApiOperation({ summary: "The job's event stream, for audit (paged by fromVersion / limit)" })
  events(@Param('jobId') jobId: string, @Query('fromVersion') fromVersion?: string, @Query('limit') limit?: string) {
    const from = fromVersion === undefined ? 1 : Number(fromVersion);
    const max = limit === undefined ? 1000 : Number(limit);
    // Versions are PostgreSQL integers: a larger fromVersion could not be compared.
    if (!Number.isInteger(from) || from < 1 || from > 2_147_483_647) throw new ValidationError('fromVersion must be a positive integer', [{ path: 'fromVersion', message: 'invalid' }]);
    if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new ValidationError('limit must be an integer from 1 to 10000', [{ path: 'limit', message: 'invalid' }]);
    return this.queries.events(jobId, from, max);
  }
}
