import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { QueueSettingsController } from './http/queue-settings.controller';
import { QueueController } from './http/queue.controller';
import { QueuesRepository } from './infrastructure/queues.repository';
import { QueuesService } from './queues.service';

@Module({
  imports: [JobsModule],
  controllers: [QueueController, QueueSettingsController],
  providers: [QueuesRepository, QueuesService],
})
export class QueuesModule {}
