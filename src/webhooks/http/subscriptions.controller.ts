import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseBody, parseWith } from '../../common/zod-validation';
import { SubscriptionsService } from '../subscriptions.service';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { subscriptionAlreadyActive, subscriptionNotFound } from '../subscriptions.errors';
import { EnabledSubscription, EnableRequest, RotatedSecret, RotateSecretRequest, SubscriptionList, SubscriptionListQuery } from './webhooks.schemas';

const SUB = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';

@ApiTags('subscriptions')
@RequireScope('webhooks:manage')
@Controller('api/v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Every subscription Herald would deliver to (filters: projectId, jobId, status=active|disabled), with last call / last error, counts (skipped: events it missed while disabled) and its endpoint\'s health',
  })
  @ApiQueryFrom(SubscriptionListQuery)
  @ApiAnswer(200, 'The subscriptions, each with its endpoint health', SubscriptionList)
  @ApiError(400, errorExample(() => parseWith(SubscriptionListQuery, { status: 'paused' })))
  @ApiError(404, errorExample(new NotFoundError('JOB_NOT_FOUND', 'job batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10 does not exist')))
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const q = parseWith(SubscriptionListQuery, query ?? {});
    return this.subscriptions.list(caller, { ...q, limit: String(q.limit) });
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the old one also signs for 24 h (two v1 signatures), or as long as previousSecretValidSeconds says (0: revoked at once)' })
  @ApiJsonBody(RotateSecretRequest)
  @ApiAnswer(200, 'The new secret (shown once)', RotatedSecret)
  @ApiError(400, errorExample(() => parseBody(RotateSecretRequest, { previousSecretValidSeconds: -1 })))
  @ApiError(404, errorExample(subscriptionNotFound(SUB)))
  rotate(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const { previousSecretValidSeconds } = parseBody(RotateSecretRequest, body ?? {});
    return this.subscriptions.rotateSecret(caller, id, previousSecretValidSeconds);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Re-enable a disabled subscription (410 Gone, or every attempt failed for HERALD_WEBHOOK_DISABLE_AFTER_DAYS): active again, failingSince and disabledReason cleared; with recoverSince, its messages that failed or were cancelled since then are sent again (enable + recover; recoverSince also needs deliveries:write, else 403 FORBIDDEN_SCOPE)',
  })
  @ApiJsonBody(EnableRequest)
  @ApiAnswer(200, 'The subscription, active, with what was queued again', EnabledSubscription)
  @ApiError(400, errorExample(() => parseBody(EnableRequest, { recoverSince: 'yesterday' })))
  @ApiError(404, errorExample(subscriptionNotFound(SUB)))
  @ApiError(409, errorExample(subscriptionAlreadyActive(SUB)))
  enable(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.subscriptions.enable(caller, id, parseBody(EnableRequest, body ?? {}));
  }
}
