import { Module } from '@nestjs/common';
import { RetentionRepository } from './infrastructure/retention.repository';
import { RetentionService } from './retention.service';

/** Housekeeping of Herald's own tables: retention of webhook deliveries, partitions of webhook_attempts. */
@Module({
  providers: [RetentionRepository, RetentionService],
  exports: [RetentionService],
})
export class MaintenanceModule {}
