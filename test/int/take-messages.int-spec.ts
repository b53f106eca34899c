import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Db } from '../../src/database/db';
import { FORMAT_ORDERING, type PayloadFormat } from '../../src/webhooks/domain/subscription.types';
import { MessagesRepository } from '../../src/webhooks/infrastructure/messages.repository';
import { SubscriptionsRepository } from '../../src/webhooks/infrastructure/subscriptions.repository';
import { releaseStreams, STREAMS_CHANNEL, takeMessages } from '../../src/webhooks/infrastructure/take-messages.statement';
import { decideDelivery } from '../../src/webhooks/domain/delivery-decision';
import { openTestDb } from '../support/database';

/**
 * The take statement on a real PostgreSQL: the ordering facts it reads (newer, blocked, the
 * stream's position), the stream move that keeps attempts from going backwards, and two takes
 * racing for one stream. Times come from the caller's clock (NOW), never the server's.
 */
const NOW = new Date('2030-01-01T00:00:00.000Z');
const STALE_MS = 1000;
/** Two instances' holds: A is the default taker. */
const A = { instanceId: '00000000-0000-4000-8000-00000000000a', ms: 60_000 };
const B = { instanceId: '00000000-0000-4000-8000-00000000000b', ms: 60_000 };
const subs = new SubscriptionsRepository();
const messages = new MessagesRepository();

describe('take statement', () => {
  let t: { db: Db; url: string; close: () => Promise<void> };
  beforeAll(async () => {
    t = await openTestDb(4);
  });
  afterAll(() => t.close());

  async function subscription(format: PayloadFormat, status: 'active' | 'disabled' = 'active'): Promise<string> {
    const id = randomUUID();
    await subs.insertSubscriptions(t.db, [{ id, scope: 'job', scopeId: 'job', url: 'https://example.test/hook', headers: {}, secret: null, format, eventTypes: null, minLevel: 'info' }], NOW);
    if (status === 'disabled') await t.db.query(`UPDATE webhook_subscriptions SET status = 'disabled' WHERE id = $1`, [id]);
    return id;
  }

  /** Messages at these event positions of one job to one subscription, created `ageMs` before NOW. */
  async function messagesAt(subscriptionId: string, format: PayloadFormat, jobId: string, positions: number[], ageMs = 0) {
    const rows = positions.map((p) => ({
      id: randomUUID(),
      subscriptionId,
      jobId,
      eventPosition: p,
      eventType: 'job.progress',
      kind: format,
      ordering: FORMAT_ORDERING[format],
      body: JSON.stringify({ p }),
      jobToken: randomUUID(),
    }));
    await messages.insertMessages(t.db, rows, new Date(NOW.getTime() - ageMs));
    return rows;
  }

  const take = (rows: Array<{ id: string; jobToken: string }>, opts: { busy?: string[]; force?: boolean; hold?: typeof A; now?: Date } = {}) =>
    takeMessages(t.db, rows.map((r) => ({ messageId: r.id, token: r.jobToken, force: opts.force ?? false })), { staleMs: STALE_MS, busy: opts.busy ?? [], now: opts.now ?? NOW, hold: opts.hold ?? A });

  it('holds a moved stream for its instance: another instance waits until it is released or the hold runs out; the holder may go on', async () => {
    const s = await subscription('queue.lifecycle');
    const [first, second, third] = await messagesAt(s, 'queue.lifecycle', 'job-held', [1, 2, 3]);
    expect((await take([first]))[0].moved).toBe(true);
    // The first had its attempt (in flight on A): the second is not blocked by it, only by A's hold.
    await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'delivered' WHERE id = $1`, [first.id]);
    const onB = (await take([second], { hold: B }))[0];
    expect([onB.moved, onB.heldElsewhere, decideDelivery(onB, { token: second.jobToken, force: false }, { duplicate: false, streamBusy: false }).kind]).toEqual([false, true, 'wait']);
    // The holder itself may take the stream on (its own busy set keeps it one at a time).
    const onA = (await take([second]))[0];
    expect([onA.moved, onA.heldElsewhere]).toEqual([true, false]);
    await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'delivered' WHERE id = $1`, [second.id]);
    // A records the outcome: released, B goes.
    await releaseStreams(t.db, A.instanceId, [{ subscriptionId: s, jobId: 'job-held' }]);
    const released = (await take([third], { hold: B }))[0];
    expect([released.moved, released.heldElsewhere]).toEqual([true, false]);
    // B holds it now; A's release does not free B's hold.
    await releaseStreams(t.db, A.instanceId, [{ subscriptionId: s, jobId: 'job-held' }]);
    expect((await t.db.query<{ held_by: string }>(`SELECT held_by FROM webhook_streams WHERE subscription_id = $1 AND job_id = 'job-held'`, [s]))[0].held_by).toBe(B.instanceId);
  });

  it('marks a stream held elsewhere wanted, and its release announces it once on herald_streams (a release nobody waits for announces nothing)', async () => {
    const listener = new Client({ connectionString: t.url });
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.connect();
    await listener.query(`LISTEN ${STREAMS_CHANNEL}`);
    try {
      const s = await subscription('queue.lifecycle');
      const [first, second, third] = await messagesAt(s, 'queue.lifecycle', 'job-wanted', [1, 2, 3]);
      const key = `${s}|job-wanted`;
      const holds = async () => (await t.db.query<{ wanted: boolean | null }>(`SELECT wanted FROM webhook_streams WHERE subscription_id = $1 AND job_id = 'job-wanted'`, [s]))[0].wanted;
      expect((await take([first]))[0].moved).toBe(true);
      // The first one's first attempt is in flight on A: B's second is blocked by it, behind A's hold: marked too.
      const blockedOnB = (await take([second], { hold: B }))[0];
      expect([blockedOnB.blocked, blockedOnB.releaseAnnounced]).toEqual([true, true]);
      await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'delivered' WHERE id = $1`, [first.id]);
      // B waits behind A's hold: the stream is marked, B is told the release will be announced.
      const onB = (await take([second], { hold: B }))[0];
      expect([onB.heldElsewhere, onB.releaseAnnounced]).toEqual([true, true]);
      expect(await holds()).toBe(true);
      await releaseStreams(t.db, A.instanceId, [{ subscriptionId: s, jobId: 'job-wanted' }]);
      await waitFor(() => heard.length >= 1);
      expect(heard).toEqual([key]);
      // B takes it now: the mark is cleared with the move; B's own release is wanted by nobody.
      const moved = (await take([second], { hold: B }))[0];
      expect([moved.moved, moved.releaseAnnounced]).toEqual([true, false]);
      expect(await holds()).toBeNull();
      await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'delivered' WHERE id = $1`, [second.id]);
      await releaseStreams(t.db, B.instanceId, [{ subscriptionId: s, jobId: 'job-wanted' }]);
      // A marker after it: anything B's release announced would have come before.
      await t.db.query(`SELECT pg_notify($1, 'marker')`, [STREAMS_CHANNEL]);
      await waitFor(() => heard.length >= 2);
      expect(heard).toEqual([key, 'marker']);
      // A stream nobody holds is not marked (B would wait for an announcement that never comes).
      expect((await take([third]))[0].moved).toBe(true);
      await releaseStreams(t.db, A.instanceId, [{ subscriptionId: s, jobId: 'job-wanted' }]);
      const free = (await take([third], { hold: B }))[0];
      expect(free.releaseAnnounced).toBe(false);
    } finally {
      await listener.end();
    }
  });

  it('holds back a message while an earlier event of its job is still being fanned out (any instance), not one before it, not another job\'s, not for longer than 60 s', async () => {
    const progress = await subscription('exec.progress');
    const result = await subscription('exec.result');
    // Each job has one message, so only a pending fan-out can hold it back.
    const [p7] = await messagesAt(progress, 'exec.progress', 'job-fanning-p', [7]);
    const [r7] = await messagesAt(result, 'exec.result', 'job-fanning-r', [7]);
    const [p5] = await messagesAt(progress, 'exec.progress', 'job-fanning-early', [5]);
    const [other] = await messagesAt(progress, 'exec.progress', 'job-other', [7]);
    // The fan-outs of the event at position 6 of the first three jobs are pending (committed, not done yet).
    const pending = (jobId: string, at: Date) =>
      t.db.query(`INSERT INTO webhook_pending_fanouts (fanout_id, job_id, first_position, created_at) VALUES ($1, $2, 6, $3)`, [randomUUID(), jobId, at]);
    for (const jobId of ['job-fanning-p', 'job-fanning-r', 'job-fanning-early']) await pending(jobId, new Date(NOW.getTime() - 1000));
    const taken = new Map((await take([p7, r7, p5, other])).map((m) => [m.id, m]));
    expect([p7, r7, p5, other].map((r) => taken.get(r.id)!.blocked)).toEqual([true, true, false, false]);
    expect(taken.get(p7.id)!.blockedUntil).toEqual(new Date(0));
    expect([taken.get(p5.id)!.moved, taken.get(other.id)!.moved]).toEqual([true, true]);
    // Its fan-out's transaction deletes the row: nothing holds the later ones back any more.
    await t.db.query(`DELETE FROM webhook_pending_fanouts WHERE job_id = 'job-fanning-p'`);
    expect((await take([p7]))[0].blocked).toBe(false);
    // A fan-out pending for longer than 60 s (failing, say) no longer holds anything back.
    await t.db.query(`DELETE FROM webhook_pending_fanouts WHERE job_id = 'job-fanning-r'`);
    await pending('job-fanning-r', new Date(NOW.getTime() - 60_001));
    expect((await take([r7]))[0].blocked).toBe(false);
  });

  it('a hold that ran out (its instance stalled past the longest attempt) no longer stops another instance', async () => {
    const s = await subscription('queue.lifecycle');
    const [first, second] = await messagesAt(s, 'queue.lifecycle', 'job-stale-hold', [1, 2]);
    expect((await take([first], { hold: { ...A, ms: 1000 } }))[0].moved).toBe(true);
    await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'delivered' WHERE id = $1`, [first.id]);
    expect((await take([second], { hold: B, now: new Date(NOW.getTime() + 999) }))[0].moved).toBe(false);
    const later = (await take([second], { hold: B, now: new Date(NOW.getTime() + 1000) }))[0];
    expect([later.moved, later.heldElsewhere]).toEqual([true, false]);
  });

  const stream = async (subscriptionId: string, jobId: string) =>
    (await t.db.query<{ last_position: string }>(`SELECT last_position FROM webhook_streams WHERE subscription_id = $1 AND job_id = $2`, [subscriptionId, jobId]))[0]?.last_position;

  it('moves a stream to the earliest of its messages taken together, and only that one may go', async () => {
    const s = await subscription('queue.lifecycle');
    const rows = await messagesAt(s, 'queue.lifecycle', 'job-a', [3, 1, 2]);
    const taken = await take(rows);
    const byPos = new Map(taken.map((m) => [m.eventPosition, m]));
    expect([1, 2, 3].map((p) => byPos.get(p)!.moved)).toEqual([true, false, false]);
    expect(byPos.get(1)!.blocked).toBe(false);
    // Later ones wait for the first attempt of the earlier ones.
    expect([byPos.get(2)!.blocked, byPos.get(3)!.blocked]).toEqual([true, true]);
    expect(Number(await stream(s, 'job-a'))).toBe(1);
  });

  it('never moves a stream backwards: an earlier message taken after a later one went finds the stream past it', async () => {
    const s = await subscription('queue.lifecycle');
    const [early, late] = await messagesAt(s, 'queue.lifecycle', 'job-b', [5, 6]);
    // The early one had its first attempt elsewhere (attempts > 0, retrying); the later one goes.
    await t.db.query(`UPDATE webhook_messages SET status = 'retrying', attempts = 1 WHERE id = $1`, [early.id]);
    expect((await take([late]))[0]).toMatchObject({ moved: true, streamAt: 6 });
    const [again] = await take([early]);
    expect(again).toMatchObject({ moved: false, streamAt: 6, blocked: false });
    expect(Number(await stream(s, 'job-b'))).toBe(6);
  });

  it('marks a stale or retrying progress snapshot as newer-superseded, a fresh one not', async () => {
    const s = await subscription('exec.progress');
    const [fresh, next] = await messagesAt(s, 'exec.progress', 'job-c', [1, 2]);
    const [stale, stale2] = await messagesAt(s, 'exec.progress', 'job-d', [1, 2], STALE_MS + 500);
    const [f] = await take([fresh]);
    expect(f).toMatchObject({ newer: false, latestId: next.id, moved: true });
    const [st] = await take([stale]);
    expect(st).toMatchObject({ newer: true, latestId: stale2.id, moved: false });
  });

  it('holds a result back until the job progress up to its event had a first attempt', async () => {
    const progress = await subscription('exec.progress');
    const result = await subscription('exec.result');
    const [p] = await messagesAt(progress, 'exec.progress', 'job-e', [7]);
    const [r] = await messagesAt(result, 'exec.result', 'job-e', [7]);
    expect((await take([r]))[0]).toMatchObject({ blocked: true, moved: false });
    await t.db.query(`UPDATE webhook_messages SET status = 'delivered', attempts = 1 WHERE id = $1`, [p.id]);
    expect((await take([r]))[0]).toMatchObject({ blocked: false, moved: false });
  });

  it('leaves busy streams, forced resends and disabled subscriptions unmoved', async () => {
    const s = await subscription('queue.lifecycle');
    const [a] = await messagesAt(s, 'queue.lifecycle', 'job-f', [1]);
    expect((await take([a], { busy: [`${s}|job-f`] }))[0].moved).toBe(false);
    expect((await take([a], { force: true }))[0].moved).toBe(false);
    const off = await subscription('queue.lifecycle', 'disabled');
    const [b] = await messagesAt(off, 'queue.lifecycle', 'job-f', [1]);
    expect((await take([b]))[0]).toMatchObject({ moved: false, subscription: expect.objectContaining({ status: 'disabled' }) });
    expect(await stream(s, 'job-f')).toBeUndefined();
  });

  it('gives a stale token nothing to move', async () => {
    const s = await subscription('queue.lifecycle');
    const [a] = await messagesAt(s, 'queue.lifecycle', 'job-g', [1]);
    const [m] = await take([{ id: a.id, jobToken: randomUUID() }]);
    expect(m.moved).toBe(false);
    expect(await stream(s, 'job-g')).toBeUndefined();
  });

  it('never moves a stream backwards when two takes of consecutive messages race (as two instances would)', async () => {
    const s = await subscription('queue.lifecycle');
    for (let round = 0; round < 30; round++) {
      const job = `race-${round}`;
      const [a, b] = await messagesAt(s, 'queue.lifecycle', job, [1, 2]);
      // The earlier one is retrying (it had its first attempt), so neither blocks the other.
      await t.db.query(`UPDATE webhook_messages SET attempts = 1, status = 'retrying' WHERE id = $1`, [a.id]);
      const [[x], [y]] = await Promise.all([take([a]), take([b])]);
      // The later message always gets its turn; the earlier one either went first (moved) or
      // finds the stream past it (and the worker then supersedes it): never 2 then back to 1.
      expect(y).toMatchObject({ moved: true, streamAt: 2 });
      if (!x.moved) {
        // Its statement may not see the other's row yet (null): either way it is not attempted
        // now; it waits (and is taken again) or gives way.
        expect([2, null]).toContain(x.streamAt);
        expect(['wait', 'supersede']).toContain(decideDelivery(x, { token: a.jobToken, force: false }, { duplicate: false, streamBusy: false }).kind);
      }
      expect(Number(await stream(s, job))).toBe(2);
    }
  });
});

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
