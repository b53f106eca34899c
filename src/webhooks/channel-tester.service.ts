import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { MetricsService } from '../metrics/metrics.service';
import { ChannelTestTracing } from '../tracing/channel-test-tracing';
import { HERALD_VERSION } from '../version';
import { deliveryHeaders } from './domain/signature';
import type { Subscription } from './domain/subscription.types';
import { HttpSender } from './infrastructure/http-sender';
import { settleAttempt } from './domain/attempt-settlement';
import { classifyTest } from './domain/delivery-outcome';
import { AttemptsRepository } from './infrastructure/attempts.repository';
import { MessagesRepository } from './infrastructure/messages.repository';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';

/**
 * Sends one test notification to a channel right now (outside any transaction) and records it
 * like any delivery: a message, its attempt, and the channel's last call. Counted apart from
 * deliveries (herald_channel_tests_total); with tracing on, a span of the request's trace.
 */
@Injectable()
export class ChannelTester {
  constructor(
    private readonly db: Db,
    private readonly messages: MessagesRepository,
    private readonly attempts: AttemptsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly sender: HttpSender,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly traces: ChannelTestTracing,
    private readonly metrics: MetricsService,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** `traceparent`: the request's server span (tracing on), the test's span's parent. */
  async test(channel: Subscription, traceparent?: string) {
    const id = this.ids.newId();
    const path = `/api/v1/projects/${encodeURIComponent(channel.scopeId)}/channels/${channel.id}`;
    const body = JSON.stringify({
      project: channel.scopeId,
      title: `Test notification: ${channel.name ?? channel.id}`,
      type: 'test',
      body: `This is a test notification from [Herald](${this.config.publicUrl}${path}) to channel "${channel.name ?? channel.id}".`,
      url: path,
      data: { 'herald.event-type': 'test', 'herald.project-id': channel.scopeId, 'herald.channel-id': channel.id },
    });
    const at = this.clock.now();
    const span = this.traces.start(channel, id, traceparent);
    const result = await this.sender.send({ url: channel.url, headers: span.headers(deliveryHeaders(channel, id, body, at, HERALD_VERSION)), body, timeoutMs: this.config.webhooks.timeoutMs });
    span.end(result);
    const outcome = classifyTest(result);
    this.metrics.channelTested(outcome.kind === 'delivered' ? 'delivered' : 'failed', result.statusCode);
    const { attempt, update, call } = settleAttempt({
      message: { id, jobId: 'channel-test', eventPosition: 0, attempts: 0, subscription: channel },
      result,
      outcome,
      attemptedAt: at,
      endpointState: 'healthy',
      nextToken: () => this.ids.newId(),
    });
    await this.db.tx(async (tx) => {
      await this.messages.insertMessages(tx, [{ id, subscriptionId: channel.id, jobId: 'channel-test', eventPosition: 0, eventType: 'test', kind: 'notification', ordering: 'always', body, jobToken: this.ids.newId(), projectId: channel.scopeId }], at);
      await this.messages.updateMessages(tx, [update], at);
      await this.attempts.insertAttempts(tx, [attempt]);
      await this.subscriptions.recordCalls(tx, [call], at);
    });
    return {
      deliveryId: id,
      attempt: 1,
      url: channel.url,
      statusCode: attempt.statusCode,
      statusMessage: attempt.statusMessage,
      responseBody: attempt.responseBody,
      durationMs: attempt.durationMs,
      errorCode: attempt.errorCode,
      outcome: attempt.outcome,
      attemptedAt: at.toISOString(),
    };
  }
}
