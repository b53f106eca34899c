import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery.worker';
import { FanoutWorker } from './fanout.worker';
import { DeliveriesController } from './http/deliveries.controller';
import { HttpSender, UndiciHttpSender } from './infrastructure/http-sender';
import { EgressGuard } from './infrastructure/egress-guard';
import { SubscriptionsRepository, WebhooksRepository } from './infrastructure/webhooks.repository';
import { ChannelTester } from './channel-tester.service';
import { SubscriptionsService } from './subscriptions.service';
import { SubscriptionsController } from './http/subscriptions.controller';
import { WorkQueue } from './infrastructure/work-queue.service';
import { WebhookOutbox } from './webhook-outbox.listener';

@Module({
  imports: [JobsModule],
  controllers: [DeliveriesController, SubscriptionsController],
  providers: [
    WebhooksRepository,
    WorkQueue,
    WebhookOutbox,
    FanoutWorker,
    DeliveryWorker,
    DeliveriesService,
    SubscriptionsRepository,
    SubscriptionsService,
    ChannelTester,
    { provide: HttpSender, useFactory: (guard: EgressGuard) => new UndiciHttpSender(guard), inject: [EgressGuard] },
  ],
  exports: [WebhookOutbox, WorkQueue, ChannelTester, HttpSender],
})
export class WebhooksModule {}
