import { Injectable } from '@nestjs/common';
import { startClientSpan, UNTRACED_CLIENT, type ClientSpan } from './client-span';
import { ATTR_HERALD_EVENT_TYPE, ATTR_HERALD_MESSAGE_ID, ATTR_HERALD_PROJECT_ID, ATTR_HERALD_SUBSCRIPTION_ID } from './span-attributes';
import { Tracing } from './tracing.service';

/**
 * Channel test spans (ChannelTester, POST /api/v1/projects/{projectId}/channels/{id}/test): an
 * HTTP client span for the test notification, a child of the request's server span (its
 * `traceparent`), and the notification carries the span's `traceparent` header. Untraced
 * (tracing off): the headers are left as they are and nothing is made. Only the endpoint's
 * scheme, host and port are recorded.
 */
@Injectable()
export class ChannelTestTracing {
  constructor(private readonly tracing: Tracing) {}

  start(channel: { id: string; scopeId: string; url: string }, deliveryId: string, parent: string | undefined): ClientSpan {
    if (!this.tracing.enabled) return UNTRACED_CLIENT;
    return startClientSpan(
      this.tracing,
      'POST',
      channel.url,
      {
        [ATTR_HERALD_SUBSCRIPTION_ID]: channel.id,
        [ATTR_HERALD_PROJECT_ID]: channel.scopeId,
        [ATTR_HERALD_MESSAGE_ID]: deliveryId,
        [ATTR_HERALD_EVENT_TYPE]: 'test',
      },
      parent,
    );
  }
}
