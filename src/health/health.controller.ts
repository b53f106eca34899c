import { Controller, Get, HttpException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ApiAnswer, ApiError, responseSchema } from '../common/openapi';
import { Db } from '../database/db';

const HealthAnswer = responseSchema('HealthAnswer', z.object({ status: z.literal('ok'), database: z.literal('up') }));

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: Db) {}

  /** 200 when the database answers, 503 otherwise. */
  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability (no key needed)' })
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
}
