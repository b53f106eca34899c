import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConflictError, NotFoundError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { RequestMeta } from '../../common/request-meta';
import { parseBody, parseWith } from '../../common/zod-validation';
import { SubmitAnswer } from '../../jobs/http/jobs.schemas';
import type { CommandMeta } from '../../jobs/job-store.service';
import { validateStoredPipeline } from '../domain/stored-pipeline';
import { TriggersService } from '../triggers.service';
import { projectForWrite, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { StoredPipeline, StoredPipelineList, StoredPipelineListQuery, StoredPipelineQuery, StoredPipelineReplace, StoredPipelineRequest, StoredRunRequest } from './triggers.schemas';

const notFound = errorExample(new NotFoundError('PIPELINE_NOT_FOUND', 'stored pipeline deploy does not exist'));
const otherProject = errorExample(() => projectForWrite({ kind: 'project', projectId: 'proj-1', keyId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11', scopes: [] }, 'proj-2', 'projectId'));
const badPipeline = errorExample(() => validateStoredPipeline({ name: 'deploy', nodes: [{ nodeName: 'a', algorithmName: 'alg', colour: 'red' }] }));

@ApiTags('stored pipelines')
@Controller('api/v1')
export class StoredPipelinesController {
  constructor(private readonly triggers: TriggersService) {}

  @Post('store/pipelines')
  @ApiOperation({ summary: 'Store a pipeline by name (an exec/raw body, optionally with triggers.webhook)' })
  @ApiJsonBody(StoredPipelineRequest)
  @ApiAnswer(201, 'The stored pipeline (secrets shown as whsec_…)', StoredPipeline)
  @ApiError(400, badPipeline, otherProject)
  @ApiError(409, errorExample(new ConflictError('PIPELINE_EXISTS', 'stored pipeline deploy exists already (PUT replaces it)', { name: 'deploy' })))
  @RequireScope('jobs:write')
  create(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    // The pipeline rules are the domain validator's (stored-pipeline.ts).
    return this.triggers.create(caller, body);
  }

  @Get('store/pipelines')
  @ApiOperation({ summary: "List stored pipelines: a project key its project's, an admin key every project's (filter: projectId)" })
  @ApiQueryFrom(StoredPipelineListQuery)
  @ApiAnswer(200, 'The stored pipelines', StoredPipelineList)
  @RequireScope('jobs:read')
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.triggers.list(caller, parseWith(StoredPipelineListQuery, query ?? {}));
  }

  @Get('store/pipelines/:name')
  @ApiOperation({ summary: 'One stored pipeline' })
  @ApiAnswer(200, 'The stored pipeline', StoredPipeline)
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  @ApiQueryFrom(StoredPipelineQuery)
  @ApiError(400, otherProject)
  get(@CurrentCaller() caller: Caller, @Param('name') name: string, @Query() query: unknown) {
    return this.triggers.get(caller, name, parseWith(StoredPipelineQuery, query ?? {}).projectId);
  }

  @Put('store/pipelines/:name')
  @ApiOperation({ summary: 'Replace a stored pipeline' })
  @ApiJsonBody(StoredPipelineReplace)
  @ApiAnswer(200, 'The stored pipeline now', StoredPipeline)
  @ApiError(400, badPipeline, errorExample(() => validateStoredPipeline({ name: 'other', nodes: [{ nodeName: 'a', algorithmName: 'alg' }] }, 'deploy')), otherProject)
  @ApiError(404, notFound)
  @RequireScope('jobs:write')
  @ApiQueryFrom(StoredPipelineQuery)
  replace(@CurrentCaller() caller: Caller, @Param('name') name: string, @Query() query: unknown, @Body() body: unknown) {
    return this.triggers.replace(caller, name, parseWith(StoredPipelineQuery, query ?? {}).projectId, body);
  }

  @Delete('store/pipelines/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a stored pipeline' })
  @ApiAnswer(204, 'Deleted')
  @ApiError(404, notFound)
  @RequireScope('jobs:write')
  @ApiQueryFrom(StoredPipelineQuery)
  @ApiError(400, otherProject)
  async remove(@CurrentCaller() caller: Caller, @Param('name') name: string, @Query() query: unknown): Promise<void> {
    await this.triggers.delete(caller, name, parseWith(StoredPipelineQuery, query ?? {}).projectId);
  }

  @Post('exec/stored')
  @ApiOperation({ summary: 'Run a stored pipeline: { name, flowInput?, options? } merged over the stored ones' })
  @ApiJsonBody(StoredRunRequest)
  @ApiAnswer(201, 'The job was accepted', SubmitAnswer)
  @ApiError(400, errorExample(() => parseBody(StoredRunRequest, { flowInput: {} }, { what: 'pipeline', countMore: true })))
  @ApiError(404, notFound)
  @RequireScope('jobs:write')
  run(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestMeta() meta: CommandMeta) {
    const { name, projectId, ...run } = parseBody(StoredRunRequest, body, { what: 'pipeline', countMore: true });
    return this.triggers.run(caller, name, projectId, run, meta);
  }
}
