import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectsService } from '../projects.service';

const WEBHOOK_SCHEMA = { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri' }, header: { type: 'string', description: 'sent as the Authorization header' } } };
const CHANNEL_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    secret: { type: 'string', description: 'whsec_<base64>' },
  },
};

@ApiTags('projects')
@Controller('api/v1/projects/:projectId')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('webhook')
  @ApiOperation({ summary: "The project's webhook with its last call and last error" })
  getProjectWebhook(@Param('projectId') projectId: string) {
    return this.projects.getWebhook(projectId);
  }

  @Put('webhook')
  @ApiOperation({ summary: 'Set the webhook of every batch of the project (batches with their own webhook excepted)' })
  @ApiBody({ schema: WEBHOOK_SCHEMA })
  putProjectWebhook(@Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.putWebhook(projectId, undefined, body);
  }

  @Delete('webhook')
  @HttpCode(204)
  deleteProjectWebhook(@Param('projectId') projectId: string) {
    return this.projects.deleteWebhook(projectId);
  }

  @Get('batches/:batchId/webhook')
  getBatchWebhook(@Param('projectId') projectId: string, @Param('batchId') batchId: string) {
    return this.projects.getWebhook(projectId, batchId);
  }

  @Put('batches/:batchId/webhook')
  @ApiOperation({ summary: "Set one batch's webhook (overrides the project's)" })
  @ApiBody({ schema: WEBHOOK_SCHEMA })
  putBatchWebhook(@Param('projectId') projectId: string, @Param('batchId') batchId: string, @Body() body: unknown) {
    return this.projects.putWebhook(projectId, batchId, body);
  }

  @Delete('batches/:batchId/webhook')
  @HttpCode(204)
  deleteBatchWebhook(@Param('projectId') projectId: string, @Param('batchId') batchId: string) {
    return this.projects.deleteWebhook(projectId, batchId);
  }

  @Post('channels')
  @ApiOperation({ summary: 'Create a notification channel' })
  @ApiBody({ schema: { ...CHANNEL_SCHEMA, required: ['name', 'url'] } })
  createChannel(@Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.createChannel(projectId, body);
  }

  @Get('channels')
  listChannels(@Param('projectId') projectId: string) {
    return this.projects.listChannels(projectId);
  }

  @Get('channels/:id')
  getChannel(@Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.getChannel(projectId, id);
  }

  @Patch('channels/:id')
  @ApiBody({ schema: CHANNEL_SCHEMA })
  patchChannel(@Param('projectId') projectId: string, @Param('id') id: string, @Body() body: unknown) {
    return this.projects.patchChannel(projectId, id, body);
  }

  @Delete('channels/:id')
  @HttpCode(204)
  deleteChannel(@Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.deleteChannel(projectId, id);
  }

  @Post('channels/:id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test notification now and return the attempt' })
  testChannel(@Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.testChannel(projectId, id);
  }

  @Post('routings')
  @ApiOperation({ summary: 'Route an event type to a channel' })
  @ApiBody({ schema: { type: 'object', required: ['event', 'channelId'], properties: { event: { type: 'string' }, channelId: { type: 'string', format: 'uuid' } } } })
  createRouting(@Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.createRouting(projectId, body);
  }

  @Get('routings')
  listRoutings(@Param('projectId') projectId: string) {
    return this.projects.listRoutings(projectId);
  }

  @Delete('routings/:id')
  @HttpCode(204)
  deleteRouting(@Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.deleteRouting(projectId, id);
  }
}
