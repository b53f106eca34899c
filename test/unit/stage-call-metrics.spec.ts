import { STAGE_CALL_OUTCOMES, stageCallOutcome } from '../../src/metrics/domain/metric-labels';
import { MetricsService } from '../../src/metrics/metrics.service';
import { Scrape } from '../support/prometheus';

const scrape = async (m: MetricsService) => Scrape.of((await m.exposition()).body);

describe('stage call and channel test metrics', () => {
  it('names what a stage step decided as its call\'s outcome', () => {
    expect((['succeeded', 'poll', 'retry', 'failed', 'canceled'] as const).map(stageCallOutcome)).toEqual(['succeeded', 'polling', 'retrying', 'failed', 'canceled']);
  });

  it('has every series of the outcomes each phase can have from the start, at 0', async () => {
    const s = await scrape(new MetricsService());
    const pairs = Object.entries(STAGE_CALL_OUTCOMES).flatMap(([phase, outcomes]) => outcomes.map((o) => `${phase} ${o}`));
    expect([...new Set(s.samples('herald_stage_calls_total').map((x) => `${x.labels.phase} ${x.labels.outcome}`))]).toEqual(pairs);
    expect(s.samples('herald_stage_calls_total').length).toBe(pairs.length * 5);
    expect(s.labelValues('herald_stage_call_duration_seconds_count', 'phase').sort()).toEqual(['cancel', 'create', 'monitor']);
    expect(s.samples('herald_channel_tests_total').length).toBe(10);
    expect(s.value('herald_stage_calls_total') + s.value('herald_channel_tests_total')).toBe(0);
  });

  it('counts stage calls by phase, outcome and status class, and times them by phase; channel tests by outcome and status class', async () => {
    const m = new MetricsService();
    m.stageCalled({ phase: 'create', outcome: 'polling', statusCode: 202, durationMs: 40 });
    m.stageCalled({ phase: 'monitor', outcome: 'polling', statusCode: undefined, durationMs: 2000 });
    m.stageCalled({ phase: 'monitor', outcome: 'succeeded', statusCode: 200, durationMs: 60 });
    // A combination no phase has today is counted all the same.
    m.stageCalled({ phase: 'monitor', outcome: 'retrying', statusCode: 503, durationMs: 10 });
    m.channelTested('failed', 410);
    const s = await scrape(m);
    expect([
      s.value('herald_stage_calls_total', { phase: 'create', outcome: 'polling', status_class: '2xx' }),
      s.value('herald_stage_calls_total', { phase: 'monitor', outcome: 'polling', status_class: 'none' }),
      s.value('herald_stage_calls_total', { phase: 'monitor', outcome: 'succeeded', status_class: '2xx' }),
      s.value('herald_stage_calls_total', { phase: 'monitor', outcome: 'retrying', status_class: '5xx' }),
      s.value('herald_stage_calls_total'),
    ]).toEqual([1, 1, 1, 1, 4]);
    expect([s.value('herald_stage_call_duration_seconds_count', { phase: 'monitor' }), s.value('herald_stage_call_duration_seconds_sum', { phase: 'monitor' })]).toEqual([3, 2.07]);
    expect(s.value('herald_stage_call_duration_seconds_bucket', { phase: 'create', le: '0.05' })).toBe(1);
    expect([s.value('herald_channel_tests_total', { outcome: 'failed', status_class: '4xx' }), s.value('herald_channel_tests_total')]).toEqual([1, 1]);
    // Neither is a delivery.
    expect(s.value('herald_deliveries_total')).toBe(0);
  });
});
