import { Controller, Get, HttpException, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ApiAnswer, ApiError, responseSchema } from '../common/openapi';
import { Db } from '../database/db';
import { ReadinessService } from './readiness.service';

const HealthAnswer = responseSchema('HealthAnswer', z.object({ status: z.literal('ok'), database: z.literal('up') }));
const LiveAnswer = responseSchema('LiveAnswer', z.object({ status: z.literal('ok') }));
const ReadyAnswer = responseSchema(
  'ReadyAnswer',
  z.object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({
      database: z.enum(['up', 'down']),
      migrations: z.object({ current: z.boolean(), pending: z.array(z.string()).meta({ description: "this build's migrations the database has not run" }) }),
      loops: z.enum(['running', 'stopped', 'off']).meta({ description: 'fan-out and delivery loops of this instance (off: HERALD_DELIVERY_WORKERS=false)' }),
    }),
  }),
);

/** Probes, no key needed: /health/live (the process serves), /health/ready (it can do its work), /health (database). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Db,
    private readonly readiness: ReadinessService,
  ) {}

  /** 200 when the database answers, 503 otherwise. */
  @Get()
  @ApiOperation({ summary: 'Database reachability (no key needed)' })
  @ApiAnswer(200, 'Herald and its database answer', HealthAnswer)
  @ApiError(503, { code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' })
  async health(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch {
      throw new HttpException({ code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' }, 503);
    }
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness probe: 200 while the process serves HTTP (never asks the database, so a database outage does not restart it)' })
  @ApiAnswer(200, 'Alive', LiveAnswer)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: "Readiness probe: 200 when the database answers, its schema is this build's and the loops run; 503 with the failing checks otherwise" })
  @ApiAnswer(200, 'Ready', ReadyAnswer)
  @ApiAnswer(503, 'Not ready: the checks say why', ReadyAnswer)
  async ready(@Res() res: Response): Promise<void> {
    const { ready, checks } = await this.readiness.check();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  }
}
