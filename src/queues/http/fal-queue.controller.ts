import { applyDecorators, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, ApiQueryFrom, errorExample, targetRefused } from '../../common/openapi';
import { RequestMeta } from '../../common/request-meta';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import type { CommandMeta } from '../../jobs/job-store.service';
import { falNotFound, falPriority, falQueueName } from '../domain/fal-request';
import { groupOf, webhookOf } from '../domain/queue-request';
import { FalQueueService, type FalAnswer, type FalApp } from '../fal-queue.service';
import { QueueRequestBody } from './queues.schemas';
import { FalCancelled, FalQueued, FalResult, FalStatusQuery, FalStatusView, FalSubmitQuery } from './fal.schemas';

const notFound = errorExample(falNotFound('fal-ai/flux', '42'));
const APP_PARAMS = [ApiParam({ name: 'owner', example: 'fal-ai' }), ApiParam({ name: 'app', example: 'flux' })];

/**
 * The fal queue dialect, for clients written against fal's queue (`@fal-ai/client` with its
 * host pointed here): `/fal/queue/{owner}/{app}[/{path}]` is the Herald queue
 * `{owner}/{app}[/{path}]`; status, result and cancel name the app alone, as fal's do.
 * `Authorization: Key <key>` (fal's scheme) works as `Bearer`.
 */
@ApiTags('fal')
@Controller('fal/queue/:owner/:app')
export class FalQueueController {
  constructor(private readonly fal: FalQueueService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a request to the fal endpoint owner/app (any JSON body); ?fal_webhook= for webhooks' })
  @applyDecorators(...APP_PARAMS)
  @ApiQueryFrom(FalSubmitQuery)
  @ApiHeader({ name: 'X-Fal-Queue-Priority', required: false, description: 'normal (default) or low' })
  @ApiJsonBody(QueueRequestBody)
  @ApiAnswer(200, 'Queued', FalQueued)
  @ApiError(400, errorExample(() => falPriority('high')), targetRefused('webhook'))
  @RequireScope('jobs:write')
  submit(@CurrentCaller() caller: Caller, @Param('owner') owner: string, @Param('app') app: string, @Body() body: unknown, @Query() query: Record<string, unknown>, @Req() req: Request, @RequestMeta() meta: CommandMeta) {
    return this.submitTo(caller, owner, app, undefined, body, query, req, meta);
  }

  @Post('*path')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a request to the fal endpoint owner/app/path (e.g. fal-ai/flux/dev): the Herald queue of that name' })
  @applyDecorators(...APP_PARAMS, ApiParam({ name: 'path', example: 'dev', description: 'the endpoint path, one or more segments' }))
  @ApiQueryFrom(FalSubmitQuery)
  @ApiHeader({ name: 'X-Fal-Queue-Priority', required: false, description: 'normal (default) or low' })
  @ApiJsonBody(QueueRequestBody)
  @ApiAnswer(200, 'Queued', FalQueued)
  @ApiError(400, errorExample(() => falQueueName('fal-ai', 'flux', '-bad')), targetRefused('webhook'))
  @RequireScope('jobs:write')
  submitPath(
    @CurrentCaller() caller: Caller,
    @Param('owner') owner: string,
    @Param('app') app: string,
    @Param('path') path: string[] | string,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @RequestMeta() meta: CommandMeta,
  ) {
    const segments = Array.isArray(path) ? path : path.split('/');
    // Only the canonical spelling is a route: a trailing or doubled "/" names none (as everywhere).
    if (segments.some((s) => s === '')) throw new NotFoundException(`Cannot POST ${req.path}`);
    return this.submitTo(caller, owner, app, segments.join('/'), body, query, req, meta);
  }

  @Get('requests/:requestId/status')
  @ApiOperation({ summary: 'Status of a request: 202 while IN_QUEUE or IN_PROGRESS, 200 once COMPLETED' })
  @applyDecorators(...APP_PARAMS)
  @ApiQueryFrom(FalStatusQuery)
  @ApiAnswer(200, 'Completed (a failed or cancelled request too: its result is the error)', FalStatusView)
  @ApiAnswer(202, 'Queued or in progress', FalStatusView)
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  async status(@CurrentCaller() caller: Caller, @Param('owner') owner: string, @Param('app') app: string, @Param('requestId') id: string, @Query('logs') logs: unknown, @Req() req: Request, @Res() res: Response) {
    answer(res, id, await this.fal.status(caller, appOf(req, owner, app), id, logs === '1'));
  }

  @Get('requests/:requestId/status/stream')
  @ApiOperation({ summary: 'The status as server-sent events: at once, then after every change, ending after COMPLETED; a comment every 15 s while idle' })
  @applyDecorators(...APP_PARAMS)
  @ApiQueryFrom(FalStatusQuery)
  @ApiAnswer(200, 'text/event-stream of status bodies', FalStatusView)
  @ApiError(404, notFound)
  @RequireScope('jobs:read')
  async stream(@CurrentCaller() caller: Caller, @Param('owner') owner: string, @Param('app') app: string, @Param('requestId') id: string, @Query('logs') logs: unknown, @Req() req: Request, @Res() res: Response) {
    await this.fal.stream(caller, appOf(req, owner, app), id, logs === '1', () => {
      res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'x-fal-request-id': id });
      res.flushHeaders();
      return {
        send: (data) => void res.write(`data: ${JSON.stringify(data)}\n\n`),
        comment: (text) => void res.write(`: ${text}\n\n`),
        end: () => void res.end(),
        onClose: (fn) => void res.on('close', fn),
      };
    });
  }

  @Get('requests/:requestId')
  @ApiOperation({ summary: "The request's result (200); its error once failed (422) or cancelled (409); 400 while unfinished" })
  @applyDecorators(...APP_PARAMS)
  @ApiAnswer(200, "The worker's result", FalResult)
  @ApiError(400, errorExample(new DomainError('REQUEST_IN_PROGRESS', 'request 42 is still in progress', 400, { request_id: '42' })))
  @ApiError(404, notFound)
  @ApiError(409, errorExample(new DomainError('REQUEST_CANCELLED', 'request 42 was cancelled', 409, { request_id: '42' })))
  @ApiError(422, errorExample(new DomainError('REQUEST_FAILED', 'out of memory', 422, { request_id: '42', error: { message: 'out of memory' } })))
  @RequireScope('jobs:read')
  async result(@CurrentCaller() caller: Caller, @Param('owner') owner: string, @Param('app') app: string, @Param('requestId') id: string, @Req() req: Request, @Res() res: Response) {
    answer(res, id, await this.fal.result(caller, appOf(req, owner, app), id));
  }

  @Put('requests/:requestId/cancel')
  @ApiOperation({ summary: 'Cancel a queued or running request: { status: CANCELLATION_REQUESTED } (202); ALREADY_COMPLETED (400) and NOT_FOUND (404) also carry fal\'s `status`' })
  @applyDecorators(...APP_PARAMS)
  @ApiAnswer(202, 'Cancelled: a queued request is never handed out, a running one loses its lease', FalCancelled)
  @ApiError(400, errorExample(new DomainError('ALREADY_COMPLETED', 'request 42 is already completed', 400)))
  @ApiError(404, notFound)
  @RequireScope('jobs:write')
  async cancel(@CurrentCaller() caller: Caller, @Param('owner') owner: string, @Param('app') app: string, @Param('requestId') id: string, @Req() req: Request, @RequestMeta() meta: CommandMeta, @Res() res: Response) {
    answer(res, id, await this.fal.cancel(caller, appOf(req, owner, app), id, meta));
  }

  private async submitTo(caller: Caller, owner: string, app: string, path: string | undefined, body: unknown, query: Record<string, unknown>, req: Request, meta: CommandMeta) {
    const webhook = webhookOf({ fal_webhook: query.fal_webhook }, (h) => req.header(h));
    const group = groupOf((h) => req.header(h));
    const priority = falPriority(req.header('x-fal-queue-priority'));
    const out = await this.fal.submit(caller, appOf(req, owner, app), path, body, webhook, group, priority, meta);
    req.res?.setHeader('x-fal-request-id', out.request_id);
    return out;
  }
}

function appOf(req: Request, owner: string, app: string): FalApp {
  return { owner, app, base: `${req.protocol}://${req.get('host')}/fal/queue/${encodeURIComponent(owner)}/${encodeURIComponent(app)}` };
}

/** Sent by hand: the status depends on the answer (Nest would set the route's one). */
function answer(res: Response, id: string, out: FalAnswer): void {
  res.status(out.status);
  // Only a real request id goes into the header (a path may name anything, even what no header may hold).
  if (/^\d{1,18}$/.test(id)) res.setHeader('x-fal-request-id', id);
  res.type('application/json').send(JSON.stringify(out.body));
}
