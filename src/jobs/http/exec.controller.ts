import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequestMeta } from '../../common/request-meta';
import { StopJobCommand } from '../commands/stop-job.command';
import { SubmitPipelineCommand } from '../commands/submit-pipeline.command';
import { validatePipelineRequest } from '../domain/pipeline.validate';
import type { CommandMeta } from '../job-store.service';
import { JobQueries } from '../job-queries.service';
import { parseStop } from './worker-requests';
import { PIPELINE_SCHEMA, STOP_SCHEMA } from './openapi.schemas';

@ApiTags('exec')
@Controller('api/v1/exec')
export class ExecController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: JobQueries,
  ) {}

  @Post('raw')
  @ApiOperation({ summary: 'Submit a pipeline; answers { jobId } ("<name>:<uuid>")' })
  @ApiBody({ schema: PIPELINE_SCHEMA })
  submit(@Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ jobId: string }> {
    return this.commands.execute(new SubmitPipelineCommand(validatePipelineRequest(body), meta));
  }

  @Get('status/:jobId')
  @ApiOperation({ summary: 'Progress of a job (same body as the progress webhook)' })
  status(@Param('jobId') jobId: string) {
    return this.queries.status(jobId);
  }

  @Get('results/:jobId')
  @ApiOperation({ summary: 'Results of a finished job (same body as the result webhook); 400 while running' })
  results(@Param('jobId') jobId: string) {
    return this.queries.results(jobId);
  }

  @Post('stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a running job' })
  @ApiBody({ schema: STOP_SCHEMA })
  stop(@Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ stoppedJobIds: string[] }> {
    const { jobId, reason } = parseStop(body);
    return this.commands.execute(new StopJobCommand(jobId, reason, meta));
  }

  @Get('jobs')
  @ApiOperation({ summary: 'List jobs, newest first (filters: status, pipeline; paging: limit, cursor)' })
  list(@Query() query: { status?: string; pipeline?: string; limit?: string; cursor?: string }) {
    return this.queries.list(query);
  }
}
