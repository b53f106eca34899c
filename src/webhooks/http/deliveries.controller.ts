import { All, Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { MethodNotAllowedError, missingPathId } from '../../common/route-errors';
import { NotFoundError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseBody, parseWith } from '../../common/zod-validation';
import { DeliveriesService } from '../deliveries.service';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { DeliveryDetail, DeliveryList, DeliveryListQuery, DeliveryView, RecoverAnswer, RecoverRequest, WebhookRecord, WebhookRecords } from './webhooks.schemas';

const JOB = 'batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10';
const deliveryNotFound = errorExample(new NotFoundError('DELIVERY_NOT_FOUND', 'delivery 7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11 does not exist'));
const jobNotFound = errorExample(new NotFoundError('JOB_NOT_FOUND', `job ${JOB} does not exist`));

@ApiTags('deliveries')
@Controller('api/v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'Webhook messages, newest first (filters: jobId, status, subscriptionId; paged with cursor)' })
  @ApiQueryFrom(DeliveryListQuery)
  @ApiAnswer(200, 'The webhook messages matching the filters', DeliveryList)
  @ApiError(400, errorExample(() => parseWith(DeliveryListQuery, { limit: '0' })), errorExample(() => parseWith(DeliveryListQuery, { subscriptionId: 'webhook-1' })))
  @RequireScope('deliveries:read')
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const q = parseWith(DeliveryListQuery, query ?? {});
    return this.deliveries.list(caller, { ...q, limit: String(q.limit) });
  }

  @Get('deliveries/:id')
  @ApiOperation({ summary: 'One webhook message with every attempt' })
  @ApiAnswer(200, 'The message and its attempts', DeliveryDetail)
  @ApiError(404, deliveryNotFound)
  @RequireScope('deliveries:read')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.get(caller, id);
  }

  @Post('deliveries/recover')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-enqueue every message that failed for good since a time' })
  @ApiJsonBody(RecoverRequest)
  @ApiAnswer(202, 'The messages queued again', RecoverAnswer)
  @ApiError(400, errorExample(() => parseBody(RecoverRequest, { since: 'yesterday' })))
  @RequireScope('deliveries:write')
  recover(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.deliveries.recover(caller, parseBody(RecoverRequest, body));
  }

  @Post('deliveries/:id/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attempt one message again now' })
  @ApiAnswer(202, 'The message, queued for an attempt now', DeliveryView)
  @ApiError(404, deliveryNotFound)
  @RequireScope('deliveries:write')
  resend(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.resend(caller, id);
  }

  @Get('webhooks/status/:jobId')
  @ApiOperation({ summary: 'Latest progress webhook delivery of a job' })
  @ApiAnswer(200, 'The latest progress delivery', WebhookRecord)
  @ApiError(404, jobNotFound, errorExample(new NotFoundError('WEBHOOK_NOT_FOUND', `job ${JOB} has no progress webhook delivery`)))
  @RequireScope('deliveries:read')
  status(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.deliveries.record(caller, jobId, 'progress');
  }

  @Get('webhooks/results/:jobId')
  @ApiOperation({ summary: 'Result webhook delivery of a job' })
  @ApiAnswer(200, 'The result delivery', WebhookRecord)
  @ApiError(404, jobNotFound, errorExample(new NotFoundError('WEBHOOK_NOT_FOUND', `job ${JOB} has no result webhook delivery`)))
  @RequireScope('deliveries:read')
  results(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.deliveries.record(caller, jobId, 'result');
  }

  @Get('webhooks/list/:jobId')
  @ApiOperation({ summary: 'Progress and result webhook deliveries of a job: { jobId, result, progress }' })
  @ApiAnswer(200, 'The latest result and progress deliveries (a kind never sent is absent)', WebhookRecords)
  @ApiError(404, jobNotFound, errorExample(new NotFoundError('WEBHOOK_NOT_FOUND', `job ${JOB} has no webhook delivery`)))
  @RequireScope('deliveries:read')
  list2(@CurrentCaller() caller: Caller, @Param('jobId') jobId: string) {
    return this.deliveries.records(caller, jobId);
  }

  // After the routes above: the engine's 400 for a missing id, 405 for another method (not 404).

  @Get(['webhooks/status', 'webhooks/results', 'webhooks/list'])
  @ApiExcludeEndpoint()
  @RequireScope('deliveries:read')
  missingJobId(): never {
    throw missingPathId('jobId');
  }

  @All(['webhooks/status', 'webhooks/status/:jobId', 'webhooks/results', 'webhooks/results/:jobId', 'webhooks/list', 'webhooks/list/:jobId'])
  @ApiExcludeEndpoint()
  @RequireScope('deliveries:read')
  wrongMethod(@Req() req: Request): never {
    throw new MethodNotAllowedError(req.method, req.path, ['GET']);
  }
}
