import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../auth/public.decorator';
import { RequestMeta } from '../../common/request-meta';
import type { CommandMeta } from '../../jobs/job-store.service';
import { TriggersService } from '../triggers.service';

@ApiTags('stored pipelines')
@Controller('api/v1/hooks')
export class HooksController {
  constructor(private readonly triggers: TriggersService) {}

  /** Authenticated by the trigger's signature, or by the API key when it has no secret (TriggersService). */
  @Public()
  @Post(':name')
  @HttpCode(202)
  @ApiOperation({ summary: "Start a stored pipeline from a webhook (body = flowInput); Standard Webhooks signature when it has a secret" })
  async hook(@Param('name') name: string, @Body() body: unknown, @Req() req: Request, @RequestMeta() meta: CommandMeta) {
    // The signed bytes, as received (kept by this route's body parser, see app.factory.ts).
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    const rawBody = raw ? raw.toString('utf8') : '';
    const { jobId } = await this.triggers.trigger(name, body ?? {}, rawBody, (h) => req.header(h), meta);
    return { jobId, statusUrl: `${req.protocol}://${req.get('host')}/api/v1/exec/status/${encodeURIComponent(jobId)}` };
  }
}
