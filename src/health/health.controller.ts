import { Controller, Get, HttpException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { Db } from '../database/db';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: Db) {}

  /** 200 when the database answers, 503 otherwise. */
  @Get()
  async health(): Promise<{ status: string; database: string }> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch {
      throw new HttpException({ code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' }, 503);
    }
  }
}
