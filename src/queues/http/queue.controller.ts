import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequestMeta } from '../../common/request-meta';
import type { CommandMeta } from '../../jobs/job-store.service';
import { groupOf, webhookOf } from '../domain/queue-request';
import { QueuesService } from '../queues.service';

/** Seed 001's queue API: POST a request to a named queue, follow it, fetch its result, cancel it. */
@ApiTags('queues')
@Controller('queue/:queueName')
export class QueueController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a request (any JSON body, up to 1 MiB); webhook via ?webhook= or X-Webhook-Url' })
  @ApiBody({ schema: {} })
  async submit(@Param('queueName') queueName: string, @Body() body: unknown, @Query() query: Record<string, unknown>, @Req() req: Request, @RequestMeta() meta: CommandMeta) {
    const webhook = webhookOf(query, (h) => req.header(h));
    const group = groupOf((h) => req.header(h));
    const jobId = await this.queues.submit(queueName, body, webhook, group, meta);
    const base = `${req.protocol}://${req.get('host')}/queue/${encodeURIComponent(queueName)}/requests/${jobId}`;
    return { jobId: Number(jobId), queueName, status: 'queued', statusUrl: `${base}/status`, resultUrl: `${base}/result`, cancelUrl: `${base}/cancel` };
  }

  @Get('requests/:jobId/status')
  @ApiOperation({ summary: 'Status of a request (times in epoch ms)' })
  status(@Param('queueName') queueName: string, @Param('jobId') jobId: string) {
    return this.queues.status(queueName, jobId);
  }

  @Get('requests/:jobId/result')
  @ApiOperation({ summary: "The worker's result (200); 202 with the status while unfinished; 422/409 when failed/cancelled" })
  async result(@Param('queueName') queueName: string, @Param('jobId') jobId: string, @Res() res: Response) {
    const out = await this.queues.result(queueName, jobId);
    res.status(out.status).type('application/json').send(JSON.stringify(out.body));
  }

  @Put('requests/:jobId/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a queued or acquired request; 409 ALREADY_COMPLETED when finished' })
  cancel(@Param('queueName') queueName: string, @Param('jobId') jobId: string, @RequestMeta() meta: CommandMeta) {
    return this.queues.cancel(queueName, jobId, meta);
  }
}
