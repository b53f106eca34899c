import { statusClass } from '../../src/metrics/domain/metric-labels';
import { MetricsService } from '../../src/metrics/metrics.service';
import { Scrape } from '../support/prometheus';

const scrape = async (m: MetricsService) => Scrape.of((await m.exposition()).body);

describe('metrics', () => {
  it('classes HTTP statuses, `none` when there was no answer', () => {
    expect([200, 204, 299, 301, 404, 429, 500, 503, 599].map(statusClass)).toEqual(['2xx', '2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx', '5xx']);
    expect([undefined, null, 0, 101, 600, 999].map(statusClass)).toEqual(['none', 'none', 'none', 'none', 'none', 'none']);
  });

  it('counts rows removed by retention per table (retentionRemoved)', async () => {
    const m = new MetricsService();
    m.retentionRemoved('webhook_attempts', 120);
    m.retentionRemoved('webhook_attempts', 5);
    m.retentionRemoved('events', 0);
    m.retentionRemoved('jobs', 3);
    const s = await scrape(m);
    expect(s.samples('herald_retention_rows_removed_total').map((x) => [x.labels.table, x.value])).toEqual([
      ['webhook_attempts', 125],
      ['jobs', 3],
    ]);
    expect(s.exposition.types.get('herald_retention_rows_removed_total')).toBe('counter');
  });

  it('keeps one registry per application: two services count apart', async () => {
    const a = new MetricsService();
    const b = new MetricsService();
    a.httpAnswered('GET', '/api/v1/exec/status/:jobId', 200, 0.003);
    a.eventCommitted('job.submitted');
    a.deliveryAttempted({ outcome: 'retrying', statusCode: undefined, durationMs: 1500, first: true, lagMs: 12 });
    const [sa, sb] = [await scrape(a), await scrape(b)];
    expect(sa.value('herald_http_requests_total', { method: 'GET', route: '/api/v1/exec/status/:jobId', status: '200' })).toBe(1);
    expect(sa.value('herald_http_request_duration_seconds_bucket', { route: '/api/v1/exec/status/:jobId', le: '0.005' })).toBe(1);
    expect(sa.value('herald_events_appended_total', { type: 'job.submitted' })).toBe(1);
    expect(sa.value('herald_deliveries_total', { outcome: 'retrying', status_class: 'none' })).toBe(1);
    expect(sa.value('herald_delivery_attempt_duration_seconds_sum', { status_class: 'none' })).toBe(1.5);
    expect(sa.value('herald_delivery_send_lag_seconds_bucket', { attempt: 'first', le: '0.025' })).toBe(1);
    expect([sb.value('herald_http_requests_total'), sb.value('herald_events_appended_total'), sb.value('herald_deliveries_total')]).toEqual([0, 0, 0]);
    // The fixed label sets are there from the start, at 0.
    expect(sb.samples('herald_deliveries_total').length).toBe(20);
    expect(sb.labelValues('herald_fanout_total', 'path')).toEqual(['chained', 'handoff', 'queue']);
  });
});
