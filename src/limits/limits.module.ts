import { Global, Module } from '@nestjs/common';
import { LimitsController } from './http/limits.controller';
import { LimitsRepository } from './infrastructure/limits.repository';
import { ProjectLimitsService } from './limits.service';

/** Per-project limits: requests per second, jobs in flight, webhooks (docs/SECURITY.md "Limits"). */
@Global()
@Module({
  controllers: [LimitsController],
  providers: [LimitsRepository, ProjectLimitsService],
  exports: [ProjectLimitsService],
})
export class LimitsModule {}
