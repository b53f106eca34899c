import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery.worker';
import { FanoutWorker } from './fanout.worker';
import { DeliveriesController } from './http/deliveries.controller';
import { HttpSender, UndiciHttpSender } from './infrastructure/http-sender';
import { EgressGuard } from './infrastructure/egress-guard';
import { AttemptsRepository } from './infrastructure/attempts.repository';
import { DeliveryViewsRepository } from './infrastructure/delivery-views.repository';
import { MessagesRepository } from './infrastructure/messages.repository';
import { SubscriptionViewsRepository } from './infrastructure/subscription-views.repository';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';
import { ChannelTester } from './channel-tester.service';
import { SubscriptionsService } from './subscriptions.service';
import { SubscriptionsController } from './http/subscriptions.controller';
import { WorkQueue } from './infrastructure/work-queue.service';
import { WebhookOutbox } from './webhook-outbox.listener';
import { LocalDelivery } from './local-delivery';
import { SigningKeys } from './signing-keys.service';
import { SigningKeysRepository } from './infrastructure/signing-keys.repository';
import { SigningKeysController } from './http/signing-keys.controller';

@Module({
  imports: [JobsModule],
  controllers: [DeliveriesController, SubscriptionsController, SigningKeysController],
  providers: [
    SubscriptionsRepository,
    MessagesRepository,
    AttemptsRepository,
    WorkQueue,
    WebhookOutbox,
    FanoutWorker,
    DeliveryWorker,
    LocalDelivery,
    DeliveriesService,
    SubscriptionViewsRepository,
    DeliveryViewsRepository,
    SubscriptionsService,
    ChannelTester,
    SigningKeysRepository,
    SigningKeys,
    { provide: HttpSender, useFactory: (guard: EgressGuard) => new UndiciHttpSender(guard), inject: [EgressGuard] },
  ],
  exports: [WebhookOutbox, WorkQueue, ChannelTester, HttpSender, FanoutWorker, DeliveryWorker],
})
export class WebhooksModule {}
