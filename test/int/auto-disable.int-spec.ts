import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/database/db';
import { applyStreak, autoDisableReason, DAY_MS, disableAfterMs, streakOf } from '../../src/webhooks/domain/auto-disable';
import { SubscriptionsRepository } from '../../src/webhooks/infrastructure/subscriptions.repository';
import { openTestDb } from '../support/database';

/**
 * The auto-disable statements on a real PostgreSQL (issue 13): RECORD_CALLS keeps failing_since
 * as the pure rule says (domain/auto-disable.ts), DISABLE_SUBSCRIPTIONS disables at the limit and
 * not before, and of two instances recording failures for one subscription at the same moment
 * exactly one gets its row back (so exactly one notice is sent).
 */
const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const repo = new SubscriptionsRepository();
const AFTER_MS = disableAfterMs(5);
const REASON = autoDisableReason(AFTER_MS);
const RULE = { afterMs: AFTER_MS, reason: REASON };

describe('auto-disable statements', () => {
  let t: { db: Db; close: () => Promise<void> };
  beforeAll(async () => {
    t = await openTestDb(6);
  });
  afterAll(() => t.close());

  /** A project webhook (one per project: each gets a project of its own). */
  async function subscription(projectId = `p-${randomUUID().slice(0, 8)}`): Promise<string> {
    const id = randomUUID();
    await repo.insertSubscriptions(t.db, [{ id, scope: 'project', scopeId: projectId, url: 'https://example.test/hook', headers: {}, secret: null, format: 'project.task', eventTypes: null, minLevel: 'info' }], T0);
    return id;
  }

  const row = async (id: string) =>
    (await t.db.query<{ status: string; failing_since: Date | null; disabled_reason: string | null }>('SELECT status, failing_since, disabled_reason FROM webhook_subscriptions WHERE id = $1', [id]))[0];

  /** One attempt recorded as the recorder does: its call, then (when it failed) the disabling statement. */
  async function record(db: Db, id: string, ok: boolean, atMs: number, reason: string | null = null) {
    const when = at(atMs);
    const streak = streakOf(ok, when, null);
    return db.tx(async (tx) => {
      tx.defer(repo.recordCalls(tx, [{ id, lastCall: { statusCode: ok ? 200 : 500, message: '', date: when.toISOString() }, streak, ...(reason ? { disableReason: reason } : {}) }], when));
      return ok && !reason ? [] : repo.disable(tx, [{ id, reason, failedAt: streak.failedAt }], RULE, when);
    });
  }

  it('keeps failing_since as the pure rule does, and disables at 5 days, not at 4 days 23 h', async () => {
    const id = await subscription();
    const attempts = [
      { ok: false, atMs: 0 },
      { ok: false, atMs: 4 * DAY_MS + 23 * 3_600_000 },
      { ok: true, atMs: 4 * DAY_MS + 23.5 * 3_600_000 },
      { ok: false, atMs: 5 * DAY_MS },
      { ok: false, atMs: 9 * DAY_MS },
      { ok: false, atMs: 10 * DAY_MS - 1 },
      { ok: false, atMs: 10 * DAY_MS },
    ];
    let stored: string | null = null;
    const seen: Array<[string | null, boolean]> = [];
    const expected: Array<[string | null, boolean]> = [];
    for (const a of attempts) {
      const rule = applyStreak(stored, streakOf(a.ok, at(a.atMs), stored), AFTER_MS);
      stored = rule.failingSince;
      expected.push([rule.failingSince, rule.disable]);
      const off = await record(t.db, id, a.ok, a.atMs);
      seen.push([(await row(id)).failing_since?.toISOString() ?? null, off.length === 1]);
    }
    expect(seen).toEqual(expected);
    expect(seen.map(([, off]) => off)).toEqual([false, false, false, false, false, false, true]);
    expect(await row(id)).toMatchObject({ status: 'disabled', disabled_reason: 'every attempt failed for 5 days', failing_since: at(5 * DAY_MS) });
  });

  it('starts the streak again after the subscription was changed (a PUT of its URL re-enabling it)', async () => {
    const id = await subscription();
    await record(t.db, id, false, 0);
    // As a PUT of the project webhook does: active, reason cleared, updated_at its time (failing_since left).
    await t.db.query(`UPDATE webhook_subscriptions SET url = 'https://example.test/new', updated_at = $2 WHERE id = $1`, [id, at(DAY_MS)]);
    expect(await record(t.db, id, false, 6 * DAY_MS)).toEqual([]);
    expect((await row(id)).failing_since).toEqual(at(6 * DAY_MS));
    expect(await record(t.db, id, false, 11 * DAY_MS)).toHaveLength(1);
  });

  it('a 410 Gone disables at once; a disabled subscription is never disabled (or told) again', async () => {
    const id = await subscription();
    const [off] = await record(t.db, id, false, 0, 'endpoint answered 410 Gone');
    expect(off).toMatchObject({ id, reason: 'endpoint answered 410 Gone', failingSince: T0.toISOString(), projectId: expect.stringMatching(/^p-/), channelIds: [] });
    expect(await record(t.db, id, false, 0, 'endpoint answered 410 Gone')).toEqual([]);
    expect(await record(t.db, id, false, 30 * DAY_MS)).toEqual([]);
  });

  it('of two instances recording failures past the limit at the same moment, exactly one disables', async () => {
    for (let round = 0; round < 10; round++) {
      const id = await subscription();
      await record(t.db, id, false, 0);
      const [a, b] = await Promise.all([record(t.db, id, false, 6 * DAY_MS), record(t.db, id, false, 6 * DAY_MS + 1)]);
      expect([round, a.length + b.length]).toEqual([round, 1]);
      expect((await row(id)).status).toBe('disabled');
    }
  });

  it("returns the project's channels routed for subscription.disabled (not the disabled one itself)", async () => {
    const project = `p-${randomUUID().slice(0, 8)}`;
    const hook = await subscription(project);
    const routed = randomUUID();
    const other = randomUUID();
    await repo.insertSubscriptions(
      t.db,
      [
        { id: routed, scope: 'channel', scopeId: project, url: 'https://example.test/ops', headers: {}, secret: null, format: 'notification', eventTypes: ['subscription.disabled'], minLevel: 'info', name: 'ops' },
        { id: other, scope: 'channel', scopeId: project, url: 'https://example.test/other', headers: {}, secret: null, format: 'notification', eventTypes: ['job.failed'], minLevel: 'info', name: 'other' },
      ],
      T0,
    );
    const [off] = await record(t.db, hook, false, 0, 'endpoint answered 410 Gone');
    expect(off.channelIds).toEqual([routed]);
    const [channelOff] = await record(t.db, routed, false, 0, 'endpoint answered 410 Gone');
    expect(channelOff.channelIds).toEqual([]);
  });
});
