import { colourFor } from '../../src/cli/cli-context';
import { table } from '../../src/cli/cli-table';
import { rehearsedStatus } from '../../src/cli/listen.command';
import { progressLines } from '../../src/cli/submit.command';
import { eventLine } from '../../src/cli/tail.command';

describe('the herald command line (output)', () => {
  it('colours by level only on a terminal without NO_COLOR', () => {
    const event = { type: 'job.failed', level: 'error', version: 9, globalPosition: 1, data: { error: 'x' }, metadata: {}, createdAt: '2026-12-03T10:00:00.000Z' };
    expect(eventLine(event, colourFor({ isTTY: true }, {}))).toBe('2026-12-03T10:00:00.000Z  \x1b[31merror\x1b[0m  job.failed           {"error":"x"}');
    expect(eventLine(event, colourFor({ isTTY: true }, { NO_COLOR: '1' }))).not.toContain('\x1b[');
    expect(eventLine(event, colourFor({ isTTY: false }, {}))).not.toContain('\x1b[');
  });

  it('draws the overall progress and one bar per active node', () => {
    const lines = progressLines({
      jobId: 'j:1',
      pipeline: 'j',
      status: 'active',
      level: 'info',
      timestamp: '2026-12-03T10:00:00.000Z',
      data: { progress: '50.00', details: '50.00% completed, 5 succeed, 5 active', states: {}, activeNodes: [{ nodeName: 'green', algorithmName: 'green-alg', batch: { active: 5, total: 10 } }] },
    });
    expect(lines).toEqual(['j:1  active  [############------------] 50.00% completed, 5 succeed, 5 active', '  green (green-alg)  [########--------] 5/10']);
  });

  it('aligns table columns', () => {
    expect(table(['A', 'BB'], [['xxx', null], ['y', 2]])).toEqual(['A    BB', 'xxx  -', 'y    2']);
  });

  it('rehearses failures: every request with --status, a fraction with --fail-rate', () => {
    expect(rehearsedStatus({ failRate: 0, random: () => 0 })).toBeUndefined();
    expect(rehearsedStatus({ status: 503, failRate: 0, random: () => 0 })).toBe(503);
    expect(rehearsedStatus({ failRate: 0.3, random: () => 0.29 })).toBe(500);
    expect(rehearsedStatus({ failRate: 0.3, random: () => 0.3 })).toBeUndefined();
    expect(rehearsedStatus({ status: 429, failRate: 0.3, random: () => 0.1 })).toBe(429);
  });
});
