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
import { ProjectsModule } from './projects/projects.module';
import { StagesModule } from './stages/stages.module';
import { TriggersModule } from './triggers/triggers.module';
import { LimitsModule } from './limits/limits.module';
import { LiveInstances } from './common/live-instances';
import { EgressGuard, type Resolver } from './webhooks/infrastructure/egress-guard';
import { TargetCheck } from './webhooks/target-check.service';

@Module({})
export class AppModule {
  /** `resolver`: the DNS lookup the egress guard uses (tests inject one; default dns.lookup). */
  static forRoot(config: HeraldConfig, options: { resolver?: Resolver } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [CqrsModule.forRoot(), DatabaseModule.forRoot(config), AuthModule.forRoot(config), LimitsModule, EventStoreModule, JobsModule, WebhooksModule, QueuesModule, ProjectsModule, StagesModule, TriggersModule],
      controllers: [HealthController],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: UuidGenerator },
        { provide: APP_FILTER, useClass: GlobalErrorFilter },
        { provide: EgressGuard, useValue: new EgressGuard(config.egress, options.resolver) },
        TargetCheck,
        ReadinessService,
        LiveInstances,
      ],
      exports: [Clock, IdGenerator, EgressGuard, TargetCheck, LiveInstances],
    };
  }
}
