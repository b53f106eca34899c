import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { StreamsModule } from '../streams/streams.module';
import { QueueListController } from './http/queue-list.controller';
import { QueueSettingsController } from './http/queue-settings.controller';
import { QueueController } from './http/queue.controller';
import { FalQueueController } from './http/fal-queue.controller';
import { QueuesRepository } from './infrastructure/queues.repository';
import { QueuesService } from './queues.service';
import { FalQueueService } from './fal-queue.service';
import { RequestWatch } from './request-watch.service';

@Module({
  imports: [JobsModule, StreamsModule],
  controllers: [QueueController, QueueListController, QueueSettingsController, FalQueueController],
  providers: [QueuesRepository, QueuesService, FalQueueService, RequestWatch],
})
export class QueuesModule {}
