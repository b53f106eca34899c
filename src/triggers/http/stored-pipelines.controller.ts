import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequestMeta } from '../../common/request-meta';
import type { CommandMeta } from '../../jobs/job-store.service';
import { parseStoredRun } from '../domain/stored-pipeline';
import { TriggersService } from '../triggers.service';

@ApiTags('stored pipelines')
@Controller('api/v1')
export class StoredPipelinesController {
  constructor(private readonly triggers: TriggersService) {}

  @Post('store/pipelines')
  @ApiOperation({ summary: 'Store a pipeline by name (an exec/raw body, optionally with triggers.webhook)' })
  create(@Body() body: unknown) {
    return this.triggers.create(body);
  }

  @Get('store/pipelines')
  @ApiOperation({ summary: 'List stored pipelines' })
  list() {
    return this.triggers.list();
  }

  @Get('store/pipelines/:name')
  get(@Param('name') name: string) {
    return this.triggers.get(name);
  }

  @Put('store/pipelines/:name')
  @ApiOperation({ summary: 'Replace a stored pipeline' })
  replace(@Param('name') name: string, @Body() body: unknown) {
    return this.triggers.replace(name, body);
  }

  @Delete('store/pipelines/:name')
  @HttpCode(204)
  async remove(@Param('name') name: string): Promise<void> {
    await this.triggers.delete(name);
  }

  @Post('exec/stored')
  @ApiOperation({ summary: 'Run a stored pipeline: { name, flowInput?, options? } merged over the stored ones' })
  run(@Body() body: unknown, @RequestMeta() meta: CommandMeta) {
    const { name, ...run } = parseStoredRun(body);
    return this.triggers.run(name, run, meta);
  }
}
