import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { HERALD_VERSION } from '../version';
import { deliveryHeaders } from './domain/signature';
import type { Subscription } from './domain/subscription.types';
import { HttpSender } from './infrastructure/http-sender';
import { WebhooksRepository } from './infrastructure/webhooks.repository';

/**
 * Sends one test notification to a channel right now (outside any transaction) and records it
 * like any delivery: a message, its attempt, and the channel's last call.
 */
@Injectable()
export class ChannelTester {
  constructor(
    private readonly db: Db,
    private readonly repo: WebhooksRepository,
    private readonly sender: HttpSender,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async test(channel: Subscription) {
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
    const result = await this.sender.send({ url: channel.url, headers: deliveryHeaders(channel, id, body, at, HERALD_VERSION), body, timeoutMs: this.config.webhooks.timeoutMs });
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const errorText = result.statusCode !== undefined ? `HTTP ${result.statusCode}` : `${result.errorCode}: ${result.errorMessage ?? ''}`.trim();
    const attempt = {
      messageId: id,
      subscriptionId: channel.id,
      jobId: 'channel-test',
      eventPosition: 0,
      attempt: 1,
      url: channel.url,
      statusCode: result.statusCode ?? null,
      statusMessage: result.statusMessage ?? null,
      responseBody: result.body ?? null,
      durationMs: result.durationMs,
      errorCode: result.errorCode ?? null,
      outcome: ok ? ('delivered' as const) : ('failed' as const),
      attemptedAt: at,
      nextAttemptAt: null,
      endpointState: 'healthy' as const,
    };
    await this.db.tx(async (tx) => {
      await this.repo.insertMessages(tx, [{ id, subscriptionId: channel.id, jobId: 'channel-test', eventPosition: 0, eventType: 'test', kind: 'notification', ordering: 'always', body, jobToken: this.ids.newId(), projectId: channel.scopeId }], at);
      await this.repo.updateMessages(tx, [{ id, status: ok ? 'delivered' : 'failed', attempts: 1, nextAttemptAt: null, lastStatusCode: result.statusCode ?? null, lastError: ok ? null : errorText, deliveredAt: ok ? at : null, supersededBy: null, jobToken: null }], at);
      await this.repo.insertAttempts(tx, [attempt]);
      await this.repo.recordCalls(tx, [{
        id: channel.id,
        lastCall: { statusCode: result.statusCode ?? null, message: result.statusMessage ?? result.errorCode ?? '', date: at.toISOString() },
        ...(ok ? {} : { lastError: { statusCode: result.statusCode ?? null, message: result.statusMessage || errorText, body: parseBody(result.body), date: at.toISOString() } }),
      }], at);
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

/** The receiver's body as lastError keeps it (as the delivery worker does): parsed JSON, else the text; null when empty. */
function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
