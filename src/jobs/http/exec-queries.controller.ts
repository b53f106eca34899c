import { All, Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotFoundError } from '../../common/domain-error';
import { MethodNotAllowedError, missingPathId } from '../../common/route-errors';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { parseWith } from '../../common/zod-validation';
import { jobNotFound } from '../domain/job.errors';
import { decodeCursor, JobQueries, searchNotSupported } from '../job-queries.service';
import { AuditTrail, FlowInput, FlowInputQuery, parseSearch, PipelineList, PipelineView, SearchAnswer, SearchQuery, SearchRequest, searchBodyOf } from './jobs.schemas';

const JOB = 'batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10';

/** HKube's read routes of a job beyond status and results: its pipeline, flowInput, audit trail; the running list; search. */
@ApiTags('exec')
@Controller('api/v1/exec')
export class ExecQueriesController {
  constructor(private readonly queries: JobQueries) {}

  @Get('pipelines/:jobId')
  @ApiOperation({ summary: 'The pipeline of a job as submitted (normalised, secrets masked)' })
  @ApiAnswer(200, "The job's pipeline", PipelineView)
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @RequireScope('jobs:read')
  pipeline(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.queries.pipeline(caller, jobId);
  }

  @Get('flowInput/:jobId')
  @ApiOperation({ summary: "The job's flowInput; 404 FLOW_INPUT_NOT_FOUND when it was submitted without one" })
  @ApiQueryFrom(FlowInputQuery)
  @ApiAnswer(200, "The job's flowInput", FlowInput)
  @ApiError(400, errorExample(() => parseWith(FlowInputQuery, { download: 'maybe' })))
  @ApiError(404, errorExample(jobNotFound(JOB)), errorExample(new NotFoundError('FLOW_INPUT_NOT_FOUND', `flowInput of job ${JOB} Not Found`)))
  @RequireScope('jobs:read')
  async flowInput(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const { download } = parseWith(FlowInputQuery, query ?? {});
    const flowInput = await this.queries.flowInput(caller, jobId);
    if (download === 'true') res.setHeader('Content-Disposition', 'attachment;filename="flowInput.json"');
    return flowInput;
  }

  @Get('auditTrail/:jobId')
  @ApiOperation({ summary: 'Who ran, stopped, paused, resumed the job, newest first' })
  @ApiAnswer(200, "The job's audit trail", AuditTrail)
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @RequireScope('jobs:read')
  auditTrail(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.queries.auditTrail(caller, jobId);
  }

  @Get('pipeline/list')
  @ApiOperation({ summary: "The pipelines of the unfinished jobs (a project key: its project's), oldest first, at most 10000" })
  @ApiAnswer(200, 'The running pipelines', PipelineList)
  @RequireScope('jobs:read')
  runningPipelines(@CurrentCaller() caller: Caller) {
    return this.queries.runningPipelines(caller);
  }

  @Post('search')
  @HttpCode(200)
  @ApiOperation({
    summary: "Search jobs (HKube's search): by pipelineName, pipelineStatus, algorithmName, datesRange, and Herald's extensions query.projectId and query.kind (pipeline or queue); paged by cursor",
  })
  @ApiJsonBody(SearchRequest)
  @ApiAnswer(200, 'One page of jobs', SearchAnswer)
  @ApiError(400, errorExample(() => parseSearch({ limit: 120 })), errorExample(() => decodeCursor('nope')), errorExample(searchNotSupported('tags', 'Herald does not keep tags')))
  @RequireScope('jobs:read')
  searchPost(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.queries.search(caller, parseSearch(body));
  }

  @Get('search')
  @ApiOperation({ summary: "Search jobs (HKube's search), the filters as query parameters (projectId and kind: Herald's extensions)" })
  @ApiQueryFrom(SearchQuery)
  @ApiAnswer(200, 'One page of jobs', SearchAnswer)
  @ApiError(400, errorExample(() => parseSearch(searchBodyOf({ limit: '120' }))), errorExample(() => parseSearch(searchBodyOf({ kind: 'batch' }))))
  @RequireScope('jobs:read')
  searchGet(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.queries.search(caller, parseSearch(searchBodyOf(parseWith(SearchQuery, query ?? {}))));
  }

  // After the routes above: HKube's 400 for a missing id, 405 for another method (Express alone says 404).

  @Get(['pipelines', 'flowInput', 'auditTrail'])
  @ApiExcludeEndpoint()
  @RequireScope('jobs:read')
  missingJobId(): never {
    throw missingPathId('jobId');
  }

  @All(['pipelines', 'pipelines/:jobId', 'flowInput', 'flowInput/:jobId', 'auditTrail', 'auditTrail/:jobId', 'pipeline/list'])
  @ApiExcludeEndpoint()
  @RequireScope('jobs:read')
  wrongMethod(@Req() req: Request): never {
    throw new MethodNotAllowedError(req.method, req.path, ['GET']);
  }
}
