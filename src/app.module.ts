import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { CqrsModule } from '@nestjs/cqrs';
import { Clock, IdGenerator, SystemClock, UuidGenerator } from './common/clock';
import { GlobalErrorFilter } from './common/error.filter';
import type { HeraldConfig } from './config/config';
import { DatabaseModule } from './database/database.module';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { JobsModule } from './jobs/jobs.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { QueuesModule } from './queues/queues.module';
import { StreamsModule } from './streams/streams.module';
import { ProjectsModule } from './projects/projects.module';
import { StagesModule } from './stages/stages.module';
import { TriggersModule } from './triggers/triggers.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { TracingModule } from './tracing/tracing.module';
import { MetricsModule } from './metrics/metrics.module';
import { LimitsModule } from './limits/limits.module';
import { UiModule } from './ui/ui.module';
import { LiveInstances } from './common/live-instances';
import { EgressGuard, type Resolver } from './webhooks/infrastructure/egress-guard';
import { TargetCheck } from './webhooks/target-check.service';
import { HERALD_LOG, silentLog, type HeraldLog } from './logging/herald-log';
import { ShutdownLog } from './logging/shutdown-log.service';

@Module({})
export class AppModule {
  /** `resolver`: the DNS lookup the egress guard uses (tests inject one; default dns.lookup); `log`: the application's logger (default: silent). */
  static forRoot(config: HeraldConfig, options: { resolver?: Resolver; log?: HeraldLog } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [CqrsModule.forRoot(), DatabaseModule.forRoot(config), TracingModule, AuthModule.forRoot(config), LimitsModule, EventStoreModule, MetricsModule, JobsModule, StreamsModule, WebhooksModule, QueuesModule, ProjectsModule, StagesModule, TriggersModule, MaintenanceModule, UiModule.forRoot(config)],
      controllers: [HealthController],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: UuidGenerator },
        { provide: APP_FILTER, useClass: GlobalErrorFilter },
        { provide: EgressGuard, useValue: new EgressGuard(config.egress, options.resolver) },
        TargetCheck,
        ReadinessService,
        LiveInstances,
        { provide: HERALD_LOG, useValue: options.log ?? silentLog() },
        ShutdownLog,
      ],
      exports: [Clock, IdGenerator, EgressGuard, TargetCheck, LiveInstances, HERALD_LOG],
    };
  }
}
