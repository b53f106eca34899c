import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/public.decorator';
import { MetricsScrape } from '../metrics-scrape.service';
import { MetricsAccessGuard } from './metrics-access.guard';

/**
 * GET /metrics: Prometheus text format (docs/METRICS.md). Not an API route: kept out of the
 * OpenAPI document; its own guard decides who reads it (an admin key or HERALD_METRICS_TOKEN),
 * hence @Public() for the key guard. A database that does not answer is 503
 * DATABASE_UNAVAILABLE (the error filter's answer, with Retry-After).
 */
@Public()
@UseGuards(MetricsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly scrape: MetricsScrape) {}

  @Get()
  @ApiExcludeEndpoint()
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.scrape.scrape();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).send(body);
  }
}
