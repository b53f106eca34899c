import { Global, Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { EventMetricsListener } from './event-metrics.listener';
import { MetricsAccessGuard } from './http/metrics-access.guard';
import { MetricsController } from './http/metrics.controller';
import { MetricsRepository } from './infrastructure/metrics.repository';
import { MetricsScrape } from './metrics-scrape.service';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics (docs/METRICS.md): MetricsService, one registry per application, which the
 * places where things happen record into (HTTP middleware, the job store's listeners, fan-out,
 * delivery); GET /metrics renders it with what the database knows at scrape time.
 */
@Global()
@Module({
  imports: [JobsModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, MetricsScrape, MetricsAccessGuard, EventMetricsListener],
  exports: [MetricsService],
})
export class MetricsModule {}
