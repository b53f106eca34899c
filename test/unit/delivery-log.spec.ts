import type { EndpointHealth } from '../../src/webhooks/domain/endpoint-health';
import { DeliveryLog, endpointLabel } from '../../src/webhooks/infrastructure/delivery-log';
import { LogCapture } from '../support/log-capture';

const health = (over: Partial<EndpointHealth>): EndpointHealth => ({ state: 'healthy', limit: 32, consecutiveFailures: 0, retryAt: null, cooldownMs: 30_000, probing: false, okMs: 50, lastError: null, ...over });

describe('delivery log lines', () => {
  it('name an endpoint as scheme://host:port only (no path, query or user info; the default port spelt out)', () => {
    expect(endpointLabel('https://user:pw@hooks.example.com/t/abc?token=1')).toBe('https://hooks.example.com:443');
    expect(endpointLabel('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080');
    expect(endpointLabel('http://[::1]/x')).toBe('http://[::1]:80');
    expect(endpointLabel('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(endpointLabel('not a url /secret')).toBe('invalid URL');
  });

  it('warn when a circuit opens, and say so at info when the endpoint is degraded or healthy again', () => {
    const capture = new LogCapture();
    const log = new DeliveryLog(capture.log());
    const now = Date.parse('2026-01-01T00:00:00Z');
    log.endpointChanged('http://127.0.0.1:9', health({}), health({ state: 'open', consecutiveFailures: 10, retryAt: now + 30_000, lastError: 'HTTP 500' }), now);
    log.endpointChanged('http://127.0.0.1:9', health({ state: 'open' }), health({ state: 'degraded', limit: 1 }), now);
    log.endpointChanged('http://127.0.0.1:9', health({ state: 'degraded' }), health({ state: 'degraded', limit: 2 }), now);
    log.endpointChanged('http://127.0.0.1:9', health({ state: 'degraded' }), health({ state: 'healthy' }), now);
    expect(capture.lines.map((l) => [l.level, l.endpoint, l.state, l.msg])).toEqual([
      ['warn', 'http://127.0.0.1:9', 'open', 'endpoint http://127.0.0.1:9: circuit open after 10 failed attempts (HTTP 500); next probe in 30 s'],
      ['info', 'http://127.0.0.1:9', 'degraded', 'endpoint http://127.0.0.1:9: degraded (1 at once)'],
      ['info', 'http://127.0.0.1:9', 'healthy', 'endpoint http://127.0.0.1:9: healthy (32 at once)'],
    ]);
    expect(capture.lines[0]).toMatchObject({ consecutiveFailures: 10, retryAt: '2026-01-01T00:00:30.000Z', previous: 'healthy' });
  });
});
