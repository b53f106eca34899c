import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery.worker';
import { FanoutWorker } from './fanout.worker';
import { DeliveriesController } from './http/deliveries.controller';
import { HttpSender, UndiciHttpSender } from './infrastructure/http-sender';
import { WebhooksRepository } from './infrastructure/webhooks.repository';
import { WorkQueue } from './infrastructure/work-queue.service';
import { WebhookOutbox } from './webhook-outbox.listener';

@Module({
  imports: [JobsModule],
  controllers: [DeliveriesController],
  providers: [
    WebhooksRepository,
    WorkQueue,
    WebhookOutbox,
    FanoutWorker,
    DeliveryWorker,
    DeliveriesService,
    { provide: HttpSender, useClass: UndiciHttpSender },
  ],
  exports: [WebhookOutbox, WorkQueue],
})
export class WebhooksModule {}
