import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample, targetRefused } from '../../common/openapi';
import { RequestMeta } from '../../common/request-meta';
import { projectForWrite, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import type { CommandMeta } from '../../jobs/job-store.service';
import { alreadyCompleted, assertQueueName, groupOf, requestNotFound, webhookOf } from '../domain/queue-request';
import { QueuesService } from '../queues.service';
import { CancelledRequest, QueuedRequest, QueueRequestBody, QueueSubmitQuery, RequestResult, RequestStatusView } from './queues.schemas';

const badName = errorExample(() => assertQueueName('-bad name'));
const notFound = errorExample(requestNotFound('render', '42'));
const otherProject = errorExample(() => projectForWrite({ kind: 'project', projectId: 'proj-1', keyId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11', scopes: [] }, 'proj-2', 'x-project-id'));

/** Seed 001's queue API: POST a request to a named queue, follow it, fetch its result, cancel it. */
@ApiTags('queues')
@Controller('queue/:queueName')
export class QueueController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a request (any JSON body, up to 1 MiB); webhook via ?webhook= or X-Webhook-Url' })
  @ApiQueryFrom(QueueSubmitQuery)
  @ApiHeader({ name: 'X-Webhook-Url', required: false, description: 'http(s) URL for lifecycle webhooks' })
  @ApiHeader({ name: 'X-Webhook-Secret', required: false, description: 'whsec_<base64, at least 16 bytes>: sign the lifecycle webhooks' })
  @ApiHeader({ name: 'X-Project-Id', required: false, description: "group the request under a project (a project key's requests are its project's)" })
  @ApiHeader({ name: 'X-Batch-Id', required: false, description: 'and a batch of that project (needs X-Project-Id)' })
  @ApiJsonBody(QueueRequestBody)
  @ApiAnswer(202, 'Queued; follow it at statusUrl', QueuedRequest)
  @ApiError(400, badName, errorExample(() => webhookOf({ webhook: 'ftp://example.com/hook' }, () => undefined)), errorExample(() => groupOf((h) => (h === 'x-batch-id' ? 'b1' : undefined))), targetRefused('webhook'), otherProject)
  @RequireScope('jobs:write')
  async submit(
    @CurrentCaller() caller: Caller,
    @Param('queueName') queueName: string,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @RequestMeta() meta: CommandMeta,
  ) {
    // The webhook may come from the query or a header, so queue-request.ts checks both together.
    const webhook = webhookOf(query, (h) => req.header(h));
    const group = groupOf((h) => req.header(h));
    const jobId = await this.queues.submit(caller, queueName, body, webhook, group, meta);
    const base = `${req.protocol}://${req.get('host')}/queue/${encodeURIComponent(queueName)}/requests/${jobId}`;
    return { jobId: Number(jobId), queueName, status: 'queued', statusUrl: `${base}/status`, resultUrl: `${base}/result`, cancelUrl: `${base}/cancel` };
  }

  @Get('requests/:jobId/status')
  @ApiOperation({ summary: 'Status of a request (times in epoch ms)' })
  @ApiAnswer(200, 'Where the request is', RequestStatusView)
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  status(@CurrentCaller() caller: Caller, @Param('queueName') queueName: string, @Param('jobId') jobId: string) {
    return this.queues.status(caller, queueName, jobId);
  }

  @Get('requests/:jobId/result')
  @ApiOperation({ summary: "The worker's result (200); 202 with the status while unfinished; 422/409 when failed/cancelled" })
  @ApiAnswer(200, "The worker's result", RequestResult)
  @ApiAnswer(202, 'Not finished yet: the status', RequestStatusView)
  @ApiError(404, notFound)
  @ApiError(409, errorExample(new DomainError('REQUEST_CANCELLED', 'request 42 was cancelled', 409, { jobId: 42, reason: 'cancelled' })))
  @ApiError(422, errorExample(new DomainError('REQUEST_FAILED', 'request 42 failed', 422, { jobId: 42, error: { message: 'out of memory' } })))
  @RequireScope('jobs:read')
  async result(@CurrentCaller() caller: Caller, @Param('queueName') queueName: string, @Param('jobId') jobId: string, @Res() res: Response) {
    const out = await this.queues.result(caller, queueName, jobId);
    res.status(out.status).type('application/json').send(JSON.stringify(out.body));
  }

  @Put('requests/:jobId/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a queued or acquired request; 409 ALREADY_COMPLETED when finished' })
  @ApiAnswer(202, 'Cancelled', CancelledRequest)
  @ApiError(404, notFound)
  @ApiError(409, errorExample(alreadyCompleted('42', 'completed')))
  @RequireScope('jobs:write')
  cancel(@CurrentCaller() caller: Caller, @Param('queueName') queueName: string, @Param('jobId') jobId: string, @RequestMeta() meta: CommandMeta) {
    return this.queues.cancel(caller, queueName, jobId, meta);
  }
}
