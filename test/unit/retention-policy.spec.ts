import { ConfigError, loadConfig } from '../../src/config/config';
import {
  FINAL_STATUSES,
  OPEN_STATUSES,
  monthOf,
  monthsToCreate,
  moreToDo,
  partitionsPastCutoff,
  retentionCutoff,
  rowCutoffOfPartitioned,
  type AttemptPartition,
} from '../../src/maintenance/domain/retention-policy';
import { MESSAGE_STATUSES } from '../../src/webhooks/domain/subscription.types';

const at = (iso: string) => new Date(iso);
const part = (name: string, from: string | null, to: string | null): AttemptPartition => ({ schema: 'public', name, isDefault: false, from: from ? at(from) : null, to: to ? at(to) : null });
const DEFAULT: AttemptPartition = { schema: 'public', name: 'webhook_attempts_default', isDefault: true, from: null, to: null };

describe('retention policy', () => {
  it('every message status is either final (removable) or open (never removed)', () => {
    expect([...FINAL_STATUSES, ...OPEN_STATUSES].sort()).toEqual([...MESSAGE_STATUSES].sort());
    expect(FINAL_STATUSES.filter((s) => (OPEN_STATUSES as readonly string[]).includes(s))).toEqual([]);
  });

  it('the cutoff is the given number of days (fractions too) before now', () => {
    expect(retentionCutoff(at('2026-03-31T12:00:00Z'), 30)).toEqual(at('2026-03-01T12:00:00Z'));
    expect(retentionCutoff(at('2026-03-31T12:00:00Z'), 0.5)).toEqual(at('2026-03-31T00:00:00Z'));
  });

  it('months are UTC months named webhook_attempts_pYYYY_MM, across years', () => {
    expect(monthOf(at('2026-12-31T23:59:59Z'))).toEqual({ from: at('2026-12-01T00:00:00Z'), to: at('2027-01-01T00:00:00Z'), name: 'webhook_attempts_p2026_12' });
    expect(monthOf(at('2026-12-15T00:00:00Z'), 2).name).toBe('webhook_attempts_p2027_02');
  });

  it('makes the months ahead that no partition covers, whatever its name; the default partition covers none', () => {
    const now = at('2026-03-10T00:00:00Z');
    expect(monthsToCreate(now, 2, [DEFAULT]).map((m) => m.name)).toEqual(['webhook_attempts_p2026_03', 'webhook_attempts_p2026_04', 'webhook_attempts_p2026_05']);
    const partman = part('webhook_attempts_p20260401', '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z');
    expect(monthsToCreate(now, 2, [DEFAULT, partman]).map((m) => m.name)).toEqual(['webhook_attempts_p2026_03', 'webhook_attempts_p2026_05']);
    expect(monthsToCreate(now, 2, [part('rest', '2026-02-15T00:00:00Z', null)])).toEqual([]);
  });

  it('partitions past the cutoff are those whose whole range is older, oldest first', () => {
    const ps = [part('b', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'), part('a', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), part('c', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'), DEFAULT, part('up', null, '2025-01-01T00:00:00Z'), part('max', '2026-04-01T00:00:00Z', null)];
    expect(partitionsPastCutoff(ps, at('2026-03-01T00:00:00Z')).map((p) => p.name)).toEqual(['up', 'a', 'b']);
    expect(partitionsPastCutoff(ps, at('2026-02-28T00:00:00Z')).map((p) => p.name)).toEqual(['up', 'a']);
  });

  it('rows of a partitioned table go one by one only below the end of the last partition past the cutoff', () => {
    const jan = part('a', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const feb = part('b', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z');
    expect(rowCutoffOfPartitioned([jan, feb, DEFAULT], at('2026-02-20T00:00:00Z'))).toEqual(at('2026-02-01T00:00:00Z'));
    // None past: default-partition rows older than every partition.
    expect(rowCutoffOfPartitioned([feb, DEFAULT], at('2026-02-20T00:00:00Z'))).toEqual(at('2026-02-01T00:00:00Z'));
    expect(rowCutoffOfPartitioned([feb, DEFAULT], at('2026-01-20T00:00:00Z'))).toEqual(at('2026-01-20T00:00:00Z'));
    // Only the default partition: rows below the cutoff itself.
    expect(rowCutoffOfPartitioned([DEFAULT], at('2026-02-20T00:00:00Z'))).toEqual(at('2026-02-20T00:00:00Z'));
  });

  it('a run sends another batch while the last one was full and still found old rows', () => {
    expect(moreToDo({ seen: 5, old: 1 }, 5)).toBe(true);
    expect(moreToDo({ seen: 4, old: 4 }, 5)).toBe(false);
    expect(moreToDo({ seen: 5, old: 0 }, 5)).toBe(false);
  });
});

describe('retention settings', () => {
  it('keeps everything by default, every 10 minutes, 5,000 rows a statement', () => {
    expect(loadConfig({}).retention).toEqual({ intervalMs: 600_000, batchSize: 5000, runBudgetMs: 60_000 });
  });

  it('reads HERALD_RETENTION_DAYS as a positive number of days and HERALD_RETENTION_INTERVAL_MS', () => {
    expect(loadConfig({ HERALD_RETENTION_DAYS: '30' }).retention.days).toBe(30);
    expect(loadConfig({ HERALD_RETENTION_DAYS: ' 0.5 ' }).retention.days).toBe(0.5);
    expect(loadConfig({ HERALD_RETENTION_DAYS: '' }).retention.days).toBeUndefined();
    expect(loadConfig({ HERALD_RETENTION_INTERVAL_MS: '60000' }).retention.intervalMs).toBe(60_000);
  });

  it.each(['0', '-3', 'thirty', '36501', 'Infinity'])('refuses HERALD_RETENTION_DAYS=%s at start-up', (raw) => {
    expect(() => loadConfig({ HERALD_RETENTION_DAYS: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_RETENTION_DAYS: raw })).toThrow(/HERALD_RETENTION_DAYS/);
  });

  it.each(['0', '999', '1.5', 'soon'])('refuses HERALD_RETENTION_INTERVAL_MS=%s at start-up', (raw) => {
    expect(() => loadConfig({ HERALD_RETENTION_INTERVAL_MS: raw })).toThrow(/HERALD_RETENTION_INTERVAL_MS/);
  });
});
