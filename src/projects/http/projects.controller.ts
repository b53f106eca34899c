import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, ValidationError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample, targetRefused as refusedTarget } from '../../common/openapi';
import { parseBody } from '../../common/zod-validation';
import { assertGroupId } from '../domain/project-webhooks';
import { ProjectsService } from '../projects.service';
import { projectNotFound, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequestTraceparent } from '../../common/request-meta';
import { RequireScope } from '../../auth/route-access.decorator';
import {
  ChannelList,
  ChannelPatch,
  ChannelRequest,
  ChannelTestAttempt,
  ChannelView,
  ProjectWebhookRequest,
  ProjectWebhookView,
  RoutingList,
  RoutingRequest,
  RoutingView,
} from './projects.schemas';

const CHANNEL = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
const badProject = errorExample(() => assertGroupId('bad project', 'projectId'));
const badBatch = errorExample(() => assertGroupId('-bad-batch', 'batchId'));
const badWebhook = errorExample(() => parseBody(ProjectWebhookRequest, { url: 'ftp://example.com/hook' }, { what: 'webhook' }));
const badChannel = errorExample(() => parseBody(ChannelRequest, { name: 'alerts', url: 'https://chat.example/hook', secret: 'not-a-secret' }, { what: 'channel' }));
const webhookNotFound = (what: string) => errorExample(new NotFoundError('WEBHOOK_NOT_FOUND', `${what} has no webhook`));
const channelNotFound = errorExample(new NotFoundError('CHANNEL_NOT_FOUND', `channel ${CHANNEL} does not exist in this project`));
const targetRefused = refusedTarget('url');

const otherProject = errorExample(projectNotFound('proj-2'));

/** A project key reaches its own project only: any other projectId is 404 PROJECT_NOT_FOUND, whatever that project holds. */
@ApiTags('projects')
@RequireScope('webhooks:manage')
@Controller('api/v1/projects/:projectId')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('webhook')
  @ApiOperation({ summary: "The project's webhook with its last call and last error" })
  @ApiAnswer(200, "The project's webhook", ProjectWebhookView)
  @ApiError(400, badProject)
  @ApiError(404, webhookNotFound('project proj-1'), otherProject)
  getProjectWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    return this.projects.getWebhook(caller, projectId);
  }

  @Put('webhook')
  @ApiOperation({ summary: 'Set the webhook of every batch of the project (batches with their own webhook excepted)' })
  @ApiJsonBody(ProjectWebhookRequest)
  @ApiAnswer(200, 'The webhook now set', ProjectWebhookView)
  @ApiError(400, badWebhook, badProject, targetRefused)
  @ApiError(404, otherProject)
  putProjectWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.putWebhook(caller, projectId, undefined, body);
  }

  @Delete('webhook')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove the project's webhook" })
  @ApiAnswer(204, 'Removed')
  @ApiError(400, badProject)
  @ApiError(404, webhookNotFound('project proj-1'), otherProject)
  deleteProjectWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    return this.projects.deleteWebhook(caller, projectId);
  }

  @Get('batches/:batchId/webhook')
  @ApiOperation({ summary: "One batch's own webhook with its last call and last error" })
  @ApiAnswer(200, "The batch's webhook", ProjectWebhookView)
  @ApiError(400, badProject, badBatch)
  @ApiError(404, webhookNotFound('batch b1 of project proj-1'), otherProject)
  getBatchWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('batchId') batchId: string) {
    return this.projects.getWebhook(caller, projectId, batchId);
  }

  @Put('batches/:batchId/webhook')
  @ApiOperation({ summary: "Set one batch's webhook (overrides the project's)" })
  @ApiJsonBody(ProjectWebhookRequest)
  @ApiAnswer(200, 'The webhook now set', ProjectWebhookView)
  @ApiError(400, badWebhook, badProject, badBatch, targetRefused)
  @ApiError(404, otherProject)
  putBatchWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('batchId') batchId: string, @Body() body: unknown) {
    return this.projects.putWebhook(caller, projectId, batchId, body);
  }

  @Delete('batches/:batchId/webhook')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove one batch's webhook (the project's applies again)" })
  @ApiAnswer(204, 'Removed')
  @ApiError(400, badProject, badBatch)
  @ApiError(404, webhookNotFound('batch b1 of project proj-1'), otherProject)
  deleteBatchWebhook(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('batchId') batchId: string) {
    return this.projects.deleteWebhook(caller, projectId, batchId);
  }

  @Post('channels')
  @ApiOperation({ summary: 'Create a notification channel' })
  @ApiJsonBody(ChannelRequest)
  @ApiAnswer(201, 'The channel', ChannelView)
  @ApiError(400, badChannel, badProject, targetRefused)
  @ApiError(404, otherProject)
  createChannel(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.createChannel(caller, projectId, body);
  }

  @Get('channels')
  @ApiOperation({ summary: "The project's notification channels" })
  @ApiAnswer(200, 'The channels', ChannelList)
  @ApiError(400, badProject)
  @ApiError(404, otherProject)
  listChannels(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    return this.projects.listChannels(caller, projectId);
  }

  @Get('channels/:id')
  @ApiOperation({ summary: 'One notification channel' })
  @ApiAnswer(200, 'The channel', ChannelView)
  @ApiError(400, badProject)
  @ApiError(404, channelNotFound, otherProject)
  getChannel(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.getChannel(caller, projectId, id);
  }

  @Patch('channels/:id')
  @ApiOperation({ summary: 'Change some fields of a channel' })
  @ApiJsonBody(ChannelPatch)
  @ApiAnswer(200, 'The channel', ChannelView)
  @ApiError(400, errorExample(() => parseBody(ChannelPatch, { url: 'mailto:x@example.com' }, { what: 'channel' })), badProject, targetRefused)
  @ApiError(404, channelNotFound, otherProject)
  patchChannel(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('id') id: string, @Body() body: unknown) {
    return this.projects.patchChannel(caller, projectId, id, body);
  }

  @Delete('channels/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a channel and its routings' })
  @ApiAnswer(204, 'Deleted')
  @ApiError(400, badProject)
  @ApiError(404, channelNotFound, otherProject)
  deleteChannel(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.deleteChannel(caller, projectId, id);
  }

  @Post('channels/:id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test notification now and return the attempt' })
  @ApiAnswer(200, 'The attempt, delivered or failed', ChannelTestAttempt)
  @ApiError(400, badProject)
  @ApiError(404, channelNotFound, otherProject)
  testChannel(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('id') id: string, @RequestTraceparent() traceparent: string | undefined) {
    return this.projects.testChannel(caller, projectId, id, traceparent);
  }

  @Post('routings')
  @ApiOperation({ summary: 'Route an event type to a channel' })
  @ApiJsonBody(RoutingRequest)
  @ApiAnswer(201, 'The routing (the same one when it exists already)', RoutingView)
  @ApiError(
    400,
    errorExample(() => parseBody(RoutingRequest, { event: 'job.exploded', channelId: CHANNEL }, { what: 'routing' })),
    errorExample(new ValidationError(`invalid routing: channelId ${CHANNEL} is not a channel of project proj-1`, [{ path: 'channelId', message: 'must be the id of a channel of this project' }])),
    badProject,
  )
  @ApiError(404, otherProject)
  createRouting(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Body() body: unknown) {
    return this.projects.createRouting(caller, projectId, body);
  }

  @Get('routings')
  @ApiOperation({ summary: "The project's routings" })
  @ApiAnswer(200, 'The routings', RoutingList)
  @ApiError(400, badProject)
  @ApiError(404, otherProject)
  listRoutings(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    return this.projects.listRoutings(caller, projectId);
  }

  @Delete('routings/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a routing' })
  @ApiAnswer(204, 'Deleted')
  @ApiError(400, badProject)
  @ApiError(404, errorExample(new NotFoundError('ROUTING_NOT_FOUND', `routing ${CHANNEL} does not exist in this project`)), otherProject)
  deleteRouting(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('id') id: string) {
    return this.projects.deleteRouting(caller, projectId, id);
  }
}
