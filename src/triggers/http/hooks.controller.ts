import { applyDecorators, Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError, NotFoundError, ValidationError } from '../../common/domain-error';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample, UNAUTHORIZED } from '../../common/openapi';
import { Public } from '../../auth/public.decorator';
import { RequestMeta } from '../../common/request-meta';
import type { CommandMeta } from '../../jobs/job-store.service';
import { TriggersService } from '../triggers.service';
import { HookAnswer, HookRequestBody } from './triggers.schemas';

const signatureHeaders = applyDecorators(
  ApiHeader({ name: 'webhook-id', required: false, description: 'Standard Webhooks: required with a secret; a webhook-id seen within 24 h starts nothing' }),
  ApiHeader({ name: 'webhook-timestamp', required: false, description: 'epoch seconds, within 5 minutes' }),
  ApiHeader({ name: 'webhook-signature', required: false, description: 'a "v1,<base64 HMAC-SHA256>" entry over <id>.<timestamp>.<body>' }),
  ApiJsonBody(HookRequestBody),
  ApiAnswer(202, 'The run started', HookAnswer),
  ApiError(400, errorExample(new ValidationError('the webhook body at $.data must be a JSON object (it becomes flowInput)', [{ path: '$.data', message: 'must be an object' }]))),
  ApiError(401, errorExample(new DomainError('UNAUTHORIZED', 'webhook signature rejected: no valid webhook-signature', 401)), UNAUTHORIZED),
  ApiError(404, errorExample(new NotFoundError('PIPELINE_NOT_FOUND', 'no stored pipeline deploy with a webhook trigger'))),
);

/**
 * Webhook triggers, authenticated by the trigger's signature, or by an API key that may run the
 * pipeline when it has no secret (TriggersService): Herald's own pipelines (stored with an admin
 * key) at /api/v1/hooks/{name}, a project's at /api/v1/projects/{projectId}/hooks/{name}.
 */
@ApiTags('stored pipelines')
@Controller('api/v1')
export class HooksController {
  constructor(private readonly triggers: TriggersService) {}

  @Public()
  @Post('hooks/:name')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a stored pipeline (stored with an admin key) from a webhook (body = flowInput); Standard Webhooks signature when it has a secret' })
  @signatureHeaders
  hook(@Param('name') name: string, @Body() body: unknown, @Req() req: Request, @RequestMeta() meta: CommandMeta) {
    return this.start(null, name, body, req, meta);
  }

  @Public()
  @Post('projects/:projectId/hooks/:name')
  @HttpCode(202)
  @ApiOperation({ summary: "Start a project's stored pipeline from a webhook (body = flowInput); Standard Webhooks signature when it has a secret, else a key of the project" })
  @signatureHeaders
  projectHook(@Param('projectId') projectId: string, @Param('name') name: string, @Body() body: unknown, @Req() req: Request, @RequestMeta() meta: CommandMeta) {
    return this.start(projectId, name, body, req, meta);
  }

  private async start(project: string | null, name: string, body: unknown, req: Request, meta: CommandMeta) {
    // The signed bytes, as received (kept by this route's body parser, see app.factory.ts).
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    const rawBody = raw ? raw.toString('utf8') : '';
    const { jobId } = await this.triggers.trigger(project, name, body ?? {}, rawBody, (h) => req.header(h), meta);
    return { jobId, statusUrl: `${req.protocol}://${req.get('host')}/api/v1/exec/status/${encodeURIComponent(jobId)}` };
  }
}
