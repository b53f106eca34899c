import { All, Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { MethodNotAllowedError, missingPathId } from '../../common/route-errors';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample, targetRefused } from '../../common/openapi';
import { RequestMeta } from '../../common/request-meta';
import { projectForWrite, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { parseBody, parseWith } from '../../common/zod-validation';
import { PauseJobCommand } from '../commands/pause-job.command';
import { RerunJobCommand } from '../commands/rerun-job.command';
import { RunCachingCommand } from '../commands/run-caching.command';
import { ResumeJobCommand } from '../commands/resume-job.command';
import { StopJobCommand } from '../commands/stop-job.command';
import { noJobsMatched, StopJobsCommand } from '../commands/stop-jobs.command';
import { SubmitPipelineCommand } from '../commands/submit-pipeline.command';
import { cacheNotAvailable, jobAlreadyPaused, jobNotFinished, jobNotFound, jobNotPaused, jobNotRunning, unknownCachingNode } from '../domain/job.errors';
import { validatePipelineRequest } from '../domain/pipeline.validate';
import { cachingNotSupported, rerunNotSupported, triggersTreeNotFound } from '../exec-runs.errors';
import type { CommandMeta } from '../job-store.service';
import { JobQueries } from '../job-queries.service';
import { AlgorithmRequest, algorithmSpec, atAlgorithmFields, CachingRequest, debugNotSupported, parseCaching, parseRerun, RerunRequest, TriggersTree } from './exec-runs.schemas';
import { DEFAULT_STATUSES_TO_STOP, JobList, JobListQuery, MessageAnswer, PauseRequest, PipelineRequest, ResultsView, ResumeRequest, StatusView, statusesToStop, StopAnswer, StopRequest, SubmitAnswer, toUtc } from './jobs.schemas';

const JOB = 'batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10';
const KEY = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';

@ApiTags('exec')
@Controller('api/v1/exec')
export class ExecController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: JobQueries,
  ) {}

  @Post('raw')
  @ApiOperation({ summary: 'Submit a pipeline; answers { jobId } ("<name>:<uuid>")' })
  @ApiJsonBody(PipelineRequest)
  @ApiAnswer(201, 'The job was accepted', SubmitAnswer)
  @RequireScope('jobs:write')
  @ApiError(
    400,
    errorExample(() => validatePipelineRequest({ name: 'batch', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['@b'] }] })),
    targetRefused('webhooks.progress'),
    errorExample(() => projectForWrite({ kind: 'project', projectId: 'proj-1', keyId: KEY, scopes: [] }, 'proj-2', 'projectId')),
  )
  submit(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ jobId: string }> {
    // The pipeline rules (references, expressions, stages) are the domain validator's.
    return this.commands.execute(new SubmitPipelineCommand(validatePipelineRequest(body), meta, caller));
  }

  @Get('status/:jobId')
  @ApiOperation({ summary: 'Progress of a job (same body as the progress webhook)' })
  @ApiAnswer(200, 'The job as of its latest event', StatusView)
  @RequireScope('jobs:read')
  @ApiError(404, errorExample(jobNotFound(JOB)))
  status(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.queries.status(caller, jobId);
  }

  @Get('results/:jobId')
  @ApiOperation({ summary: 'Results of a finished job (same body as the result webhook); 400 while running' })
  @ApiAnswer(200, "The final nodes' results", ResultsView)
  @ApiError(400, errorExample(jobNotFinished(JOB, 'active')))
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @RequireScope('jobs:read')
  results(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.queries.results(caller, jobId);
  }

  @Post('stop')
  @HttpCode(200)
  @ApiOperation({ summary: "Stop a running job, or (HKube's bulk stop, no jobId) every unfinished job of the key's project(s) matching pipelineName, startTime, statusToStop" })
  @ApiJsonBody(StopRequest)
  @ApiAnswer(200, 'The jobs stopped', StopAnswer)
  @ApiError(400, errorExample(() => parseBody(StopRequest, { jobId: '' })))
  @ApiError(404, errorExample(jobNotFound(JOB)), errorExample(noJobsMatched({ pipelineName: 'flow3' }, DEFAULT_STATUSES_TO_STOP)))
  @ApiError(409, errorExample(jobNotRunning(JOB, 'completed')))
  @RequireScope('jobs:write')
  stop(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ stoppedJobIds: string[] }> {
    const { jobId, reason, pipelineName, startTime, statusToStop } = parseBody(StopRequest, body);
    const bulk = pipelineName !== undefined || startTime !== undefined || statusToStop !== undefined;
    if (jobId !== undefined && !bulk) return this.commands.execute(new StopJobCommand(jobId, reason, meta, caller));
    const range = { from: startTime?.from && toUtc(startTime.from), to: startTime?.to && toUtc(startTime.to) };
    const criteria = { jobId, pipelineName, ...range, statuses: statusesToStop(statusToStop) };
    return this.commands.execute(new StopJobsCommand({ jobId, pipelineName, startTime }, criteria, reason, meta, caller));
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({ summary: "Pause a running job (HKube): its tasks are not handed out until it is resumed; leased tasks may still be reported; stop and ttl still apply" })
  @ApiJsonBody(PauseRequest)
  @ApiAnswer(200, 'The job is paused', MessageAnswer)
  @ApiError(400, errorExample(() => parseBody(PauseRequest, {})))
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @ApiError(409, errorExample(jobNotRunning(JOB, 'completed')), errorExample(jobAlreadyPaused(JOB, 'batch')))
  @RequireScope('jobs:write')
  pause(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ message: 'OK' }> {
    const { jobId } = parseBody(PauseRequest, body);
    return this.commands.execute(new PauseJobCommand(jobId, meta, caller));
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job (HKube): its tasks are handed out again' })
  @ApiJsonBody(ResumeRequest)
  @ApiAnswer(200, 'The job runs again', MessageAnswer)
  @ApiError(400, errorExample(() => parseBody(ResumeRequest, {})))
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @ApiError(409, errorExample(jobNotPaused(JOB, 'batch', 'active')))
  @RequireScope('jobs:write')
  resume(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ message: 'OK' }> {
    const { jobId } = parseBody(ResumeRequest, body);
    return this.commands.execute(new ResumeJobCommand(jobId, meta, caller));
  }

  @Post('rerun')
  @ApiOperation({ summary: "Run a job's pipeline again, as it was submitted (HKube): a new job of the same project, with the original's flowInput, options, priority and webhooks (secrets included)" })
  @ApiJsonBody(RerunRequest)
  @ApiAnswer(201, 'The new job was accepted', SubmitAnswer)
  @ApiError(400, errorExample(() => parseRerun({})), errorExample(rerunNotSupported(JOB, 'images/resize')), targetRefused('webhooks.progress'))
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @RequireScope('jobs:write')
  rerun(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ jobId: string }> {
    const { jobId } = parseRerun(body);
    return this.commands.execute(new RerunJobCommand(jobId, meta, caller));
  }

  @Post('algorithm')
  @ApiOperation({ summary: 'Run one algorithm (HKube): a pipeline of one node, both named after the algorithm, submitted as exec/raw submits' })
  @ApiJsonBody(AlgorithmRequest)
  @ApiAnswer(201, 'The job was accepted', SubmitAnswer)
  @ApiError(400, errorExample(() => algorithmSpec({})), errorExample(() => algorithmSpec({ name: 'Green' })), errorExample(debugNotSupported()), targetRefused('webhooks.progress'))
  @RequireScope('jobs:write')
  async algorithm(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ jobId: string }> {
    const spec = algorithmSpec(body);
    try {
      return await this.commands.execute(new SubmitPipelineCommand(spec, meta, caller));
    } catch (e) {
      throw atAlgorithmFields(e, spec.name);
    }
  }

  @Post('caching')
  @ApiOperation({
    summary:
      "Run a job's pipeline again from one node (HKube): a new job of the same project, named <name>-<nodeName>, in which the node and every node after it run, the nodes they read start completed with the job's results, and the other nodes are left out",
  })
  @ApiJsonBody(CachingRequest)
  @ApiAnswer(201, 'The new job was accepted', SubmitAnswer)
  @ApiError(
    400,
    errorExample(() => parseCaching({ nodeName: 'green' })),
    errorExample(unknownCachingNode(JOB, 'blue')),
    errorExample(cachingNotSupported(JOB, 'images/resize')),
    errorExample(debugNotSupported()),
    targetRefused('webhooks.progress'),
  )
  @ApiError(404, errorExample(jobNotFound(JOB)))
  @ApiError(409, errorExample(cacheNotAvailable(JOB, 'yellow', [{ nodeName: 'green', state: 'running' }])))
  @RequireScope('jobs:write')
  caching(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta): Promise<{ jobId: string }> {
    const { jobId, nodeName, debug } = parseCaching(body);
    if (debug === true) throw debugNotSupported();
    return this.commands.execute(new RunCachingCommand(jobId, nodeName, meta, caller));
  }

  @Get('tree/:jobId')
  @ApiOperation({ summary: "The tree of pipelines a job triggered (HKube). Herald has no pipeline triggers: a job is 404 TRIGGERS_TREE_NOT_FOUND, as in HKube for a job that triggered nothing" })
  @ApiAnswer(200, "HKube's shape; Herald answers it for no job today", TriggersTree)
  @ApiError(404, errorExample(jobNotFound(JOB)), errorExample(triggersTreeNotFound(JOB)))
  @RequireScope('jobs:read')
  tree(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.queries.tree(caller, jobId);
  }

  @Get('jobs')
  @ApiOperation({ summary: 'List jobs, newest first (filters: status, pipeline; paging: limit, cursor); a project key lists its project\'s. raw=true: the ids of the unfinished jobs (HKube)' })
  @ApiQueryFrom(JobListQuery)
  @ApiAnswer(200, 'One page of jobs', JobList)
  @ApiError(400, errorExample(() => parseWith(JobListQuery, { limit: '0' })))
  @RequireScope('jobs:read')
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const { raw, ...page } = parseWith(JobListQuery, query ?? {});
    return raw === 'true' ? this.queries.runningJobIds(caller, page) : this.queries.list(caller, page);
  }

  // Declared after the routes above, so they only see what those leave: the engine's 400 for a
  // missing id and 405 for another method on its GET-only paths (Express alone says 404).

  @Get(['status', 'results', 'tree'])
  @ApiExcludeEndpoint()
  @RequireScope('jobs:read')
  missingJobId(): never {
    throw missingPathId('jobId');
  }

  @All(['status', 'status/:jobId', 'results', 'results/:jobId', 'tree', 'tree/:jobId', 'jobs'])
  @ApiExcludeEndpoint()
  @RequireScope('jobs:read')
  wrongMethod(@Req() req: Request): never {
    throw new MethodNotAllowedError(req.method, req.path, ['GET']);
  }
}
