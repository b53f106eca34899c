import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConflictError, NotFoundError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample } from '../../common/openapi';
import { RequestMeta } from '../../common/request-meta';
import { parseBody } from '../../common/zod-validation';
import { SubmitAnswer } from '../../jobs/http/jobs.schemas';
import type { CommandMeta } from '../../jobs/job-store.service';
import { validateStoredPipeline } from '../domain/stored-pipeline';
import { TriggersService } from '../triggers.service';
import { StoredPipeline, StoredPipelineList, StoredPipelineReplace, StoredPipelineRequest, StoredRunRequest } from './triggers.schemas';

const notFound = errorExample(new NotFoundError('PIPELINE_NOT_FOUND', 'stored pipeline deploy does not exist'));
const badPipeline = errorExample(() => validateStoredPipeline({ name: 'deploy', nodes: [{ nodeName: 'a', algorithmName: 'alg', colour: 'red' }] }));

@ApiTags('stored pipelines')
@Controller('api/v1')
export class StoredPipelinesController {
  constructor(private readonly triggers: TriggersService) {}

  @Post('store/pipelines')
  @ApiOperation({ summary: 'Store a pipeline by name (an exec/raw body, optionally with triggers.webhook)' })
  @ApiJsonBody(StoredPipelineRequest)
  @ApiAnswer(201, 'The stored pipeline (secrets shown as whsec_…)', StoredPipeline)
  @ApiError(400, badPipeline)
  @ApiError(409, errorExample(new ConflictError('PIPELINE_EXISTS', 'stored pipeline deploy exists already (PUT replaces it)', { name: 'deploy' })))
  create(@Body() body: unknown) {
    // The pipeline rules are the domain validator's (stored-pipeline.ts).
    return this.triggers.create(body);
  }

  @Get('store/pipelines')
  @ApiOperation({ summary: 'List stored pipelines' })
  @ApiAnswer(200, 'Every stored pipeline', StoredPipelineList)
  list() {
    return this.triggers.list();
  }

  @Get('store/pipelines/:name')
  @ApiOperation({ summary: 'One stored pipeline' })
  @ApiAnswer(200, 'The stored pipeline', StoredPipeline)
  @ApiError(404, notFound)
  get(@Param('name') name: string) {
    return this.triggers.get(name);
  }

  @Put('store/pipelines/:name')
  @ApiOperation({ summary: 'Replace a stored pipeline' })
  @ApiJsonBody(StoredPipelineReplace)
  @ApiAnswer(200, 'The stored pipeline now', StoredPipeline)
  @ApiError(400, badPipeline, errorExample(() => validateStoredPipeline({ name: 'other', nodes: [{ nodeName: 'a', algorithmName: 'alg' }] }, 'deploy')))
  @ApiError(404, notFound)
  replace(@Param('name') name: string, @Body() body: unknown) {
    return this.triggers.replace(name, body);
  }

  @Delete('store/pipelines/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a stored pipeline' })
  @ApiAnswer(204, 'Deleted')
  @ApiError(404, notFound)
  async remove(@Param('name') name: string): Promise<void> {
    await this.triggers.delete(name);
  }

  @Post('exec/stored')
  @ApiOperation({ summary: 'Run a stored pipeline: { name, flowInput?, options? } merged over the stored ones' })
  @ApiJsonBody(StoredRunRequest)
  @ApiAnswer(201, 'The job was accepted', SubmitAnswer)
  @ApiError(400, errorExample(() => parseBody(StoredRunRequest, { flowInput: {} }, { what: 'pipeline', countMore: true })))
  @ApiError(404, notFound)
  run(@Body() body: unknown, @RequestMeta() meta: CommandMeta) {
    const { name, ...run } = parseBody(StoredRunRequest, body, { what: 'pipeline', countMore: true });
    return this.triggers.run(name, run, meta);
  }
}
