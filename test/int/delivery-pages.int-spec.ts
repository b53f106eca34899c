import { Client, escapeLiteral } from 'pg';
import { createPool, Db } from '../../src/database/db';
import { FIRST_PAGE, pageOf, decodeDeliveryCursor, type DeliveryPageKey } from '../../src/webhooks/domain/delivery-cursor';
import {
  DeliveryViewsRepository,
  LIST_PROJECT_MESSAGES,
  LIST_PROJECT_SUBSCRIPTION_MESSAGES,
  LIST_SUBSCRIPTION_MESSAGES,
} from '../../src/webhooks/infrastructure/delivery-views.repository';
import { RECENT_ATTEMPTS, SubscriptionViewsRepository } from '../../src/webhooks/infrastructure/subscription-views.repository';
import { openTestDb } from '../support/database';

/**
 * The deliveries list's pages and the subscriptions' last hour on a database of realistic size:
 * 100,000 messages (40,000 of them one subscription's, the rest over 999 others, in groups of
 * three that share a creation time and an event position, as one event fanned out does) and
 * 100,000 attempts over 11 days. A page walk returns every message once, in the list's order;
 * the counts of the hour are exact; and each statement's plan, custom or generic, reads an index
 * (a subscription's page: webhook_messages_subscription_page_idx, `limit` entries, no sort; the
 * hour: webhook_attempts_subscription_idx): no sequential scan.
 */
const MESSAGES = 100_000;
const ATTEMPTS = 100_000;
const NOW = new Date('2030-01-01T00:00:00.000Z');
const sub = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
const BIG = sub(0);
/** Message i: the big subscription when i % 5 < 2, else one of 999 others. */
const SUB_OF = `CASE WHEN i % 5 < 2 THEN 0 ELSE 1 + i % 999 END`;

type PlanNode = Record<string, unknown>;
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...((plan.Plans as PlanNode[] | undefined) ?? []).flatMap(nodes)];
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return escapeLiteral(v.toISOString());
  if (Array.isArray(v)) return escapeLiteral(`{${v.join(',')}}`);
  return escapeLiteral(String(v));
}

describe('delivery pages and the last hour on 100,000 messages and 100,000 attempts', () => {
  let db: Db;
  let url: string;
  let close: () => Promise<void>;
  const views = new DeliveryViewsRepository();

  beforeAll(async () => {
    ({ db, url, close } = await openTestDb(4));
    await db.query(`
      INSERT INTO webhook_subscriptions (id, scope, scope_id, url, format)
      SELECT ('00000000-0000-4000-8000-' || lpad(k::text, 12, '0'))::uuid, 'job', 'pages:' || k,
             'https://hooks.example.test/' || k, 'exec.progress'
        FROM generate_series(0, 999) AS k`);
    // Three messages per event (i / 3): one creation time (with microseconds) and one position each.
    await db.query(`
      INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token, project_id, created_at, updated_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((${SUB_OF})::text, 12, '0'))::uuid, 'pages:' || (i / 30), 1000000 - i / 3, 'job.progress',
             'exec.progress', 'latest-wins', '{}', CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'delivered' END, gen_random_uuid(),
             CASE WHEN i % 5 < 2 THEN 'p-big' ELSE 'p' || ((${SUB_OF}) % 10) END,
             timestamptz '2030-01-01' - (i / 3) * 997 * interval '1 microsecond', timestamptz '2030-01-01'
        FROM generate_series(1, ${MESSAGES}) AS i`);
    // Attempt j, 10 s apart back from NOW: the last hour holds j = 1 … 359; one in three failed.
    await db.query(`
      INSERT INTO webhook_attempts (message_id, subscription_id, job_id, event_position, attempt, url, status_code, duration_ms, outcome, attempted_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((CASE WHEN j % 4 = 0 THEN 0 ELSE 1 + j % 999 END)::text, 12, '0'))::uuid,
             'pages:' || j, j, 1, 'https://hooks.example.test/', CASE WHEN j % 3 = 0 THEN 500 ELSE 200 END, 5,
             CASE WHEN j % 3 = 0 THEN 'retrying' ELSE 'delivered' END, $1::timestamptz - j * interval '10 seconds'
        FROM generate_series(1, ${ATTEMPTS}) AS j`,
      [NOW],
    );
    await db.query('VACUUM ANALYZE');
  }, 180_000);
  afterAll(() => close?.());

  /** The plan of a statement as prepared (custom or generic), by EXPLAIN EXECUTE on a connection of its own. */
  async function planOf(text: string, params: unknown[], mode: 'force_custom_plan' | 'force_generic_plan', analyze = false): Promise<PlanNode> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`SET plan_cache_mode = ${mode}`);
      await c.query(`PREPARE page AS ${text}`);
      const res = await c.query(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) EXECUTE page(${params.map(literal).join(', ')})`);
      return (res.rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
    } finally {
      await c.end();
    }
  }

  async function walk(filter: { subscriptionId?: string; projectId: string | null }, limit: number): Promise<{ ids: string[]; keys: DeliveryPageKey[]; pages: number }> {
    const ids: string[] = [];
    const keys: DeliveryPageKey[] = [];
    let after = FIRST_PAGE;
    for (let pages = 1; ; pages++) {
      const rows = await views.listMessages(db, { ...filter, after, limit: limit + 1 });
      const { page, nextCursor } = pageOf(rows, limit, (r) => r.key);
      for (const r of page) {
        ids.push(r.view.id);
        keys.push(r.key);
      }
      if (nextCursor === null) return { ids, keys, pages };
      after = decodeDeliveryCursor(nextCursor);
    }
  }

  it("walks a subscription's 40,000 messages and a project's ties page by page: each once, newest first", async () => {
    const big = await walk({ subscriptionId: BIG, projectId: null }, 1000);
    expect(big.pages).toBe(40);
    expect(new Set(big.ids).size).toBe(40_000);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE subscription_id = $1`, [BIG]);
    expect(big.ids.length).toBe(n);
    // Strictly descending keys: created_at (microseconds kept), then position, then id.
    const after = (a: DeliveryPageKey, b: DeliveryPageKey) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && (a.eventPosition > b.eventPosition || (a.eventPosition === b.eventPosition && a.id > b.id)));
    expect(big.keys.every((k, i) => i === 0 || after(big.keys[i - 1], k))).toBe(true);
    expect(big.keys.some((k) => !k.createdAt.endsWith('000Z'))).toBe(true);

    // A project's messages: every event's three messages share a time and a position; pages of 7 cut through them.
    const [{ m }] = await db.query<{ m: number }>(`SELECT count(*)::int AS m FROM webhook_messages WHERE project_id = 'p3'`);
    const p3 = await walk({ projectId: 'p3' }, 7);
    expect(p3.ids.length).toBe(m);
    expect(new Set(p3.ids).size).toBe(m);
    // The same subscription through a project key: another project's subscription is nothing.
    expect(await views.listMessages(db, { subscriptionId: BIG, projectId: 'p3', after: FIRST_PAGE, limit: 10 })).toEqual([]);
    expect((await views.listMessages(db, { subscriptionId: BIG, projectId: 'p-big', after: FIRST_PAGE, limit: 10 })).length).toBe(10);
  });

  it('counts each listed subscription’s attempts of the hour up to the clock’s now, and how many succeeded', async () => {
    const ids = Array.from({ length: 1000 }, (_, k) => sub(k));
    const since = new Date(NOW.getTime() - 3600_000);
    const got = await new SubscriptionViewsRepository().recentAttempts(db, ids, since, NOW);
    const expected = await db.query<{ id: string; attempts: number; succeeded: number }>(
      `SELECT subscription_id AS id, count(*)::int AS attempts, (count(*) FILTER (WHERE status_code BETWEEN 200 AND 299))::int AS succeeded
         FROM webhook_attempts WHERE attempted_at > $1 AND attempted_at <= $2 GROUP BY 1`,
      [since, NOW],
    );
    expect(expected.reduce((a, r) => a + r.attempts, 0)).toBe(359);
    expect(got.size).toBe(1000);
    for (const id of ids) {
      const e = expected.find((r) => r.id === id);
      expect([id, got.get(id)]).toEqual([id, { attempts: e?.attempts ?? 0, succeeded: e?.succeeded ?? 0 }]);
    }
    // The big subscription: j % 4 = 0 below 360 (89 attempts), a third of them (j % 12 = 0: 29) failed.
    expect(got.get(BIG)).toEqual({ attempts: 89, succeeded: 60 });
    // Later on the clock, the hour has moved: attempts of 30 min ago and earlier only.
    const later = await new SubscriptionViewsRepository().recentAttempts(db, [BIG], new Date(NOW.getTime() - 1800_000), new Date(NOW.getTime() + 1800_000));
    expect(later.get(BIG)!.attempts).toBe(44);
  });

  it('plans a list statement for its values on every call, never by a generic plan (a small subscription’s plan would sort a large one’s whole history)', async () => {
    const one = new Db(createPool(url, 1));
    try {
      // Pages of small subscriptions first, on one connection (its prepared statements), then the large one's.
      for (let k = 1; k <= 20; k++) await views.listMessages(one, { subscriptionId: sub(k), projectId: null, after: FIRST_PAGE, limit: 101 });
      expect((await views.listMessages(one, { subscriptionId: BIG, projectId: null, after: FIRST_PAGE, limit: 101 })).length).toBe(101);
      const [stats] = await one.query<{ generic_plans: number; custom_plans: number }>(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`, [LIST_SUBSCRIPTION_MESSAGES]);
      expect(stats).toEqual({ generic_plans: 0, custom_plans: 21 });
    } finally {
      await one.end();
    }
  });

  it("reads a subscription's page and the hour's attempts by index, in custom and generic plans: no sequential scan, no sort", async () => {
    const middle = (await walk({ subscriptionId: BIG, projectId: null }, 20_000)).keys[19_999];
    const page = (after: DeliveryPageKey) => [null, null, 101, after.createdAt, after.eventPosition, after.id];
    const statements: Array<[string, string, unknown[], string, string]> = [
      ['subscription, first page', LIST_SUBSCRIPTION_MESSAGES, [...page(FIRST_PAGE), BIG], 'webhook_messages', 'webhook_messages_subscription_page_idx'],
      ['subscription, a middle page', LIST_SUBSCRIPTION_MESSAGES, [...page(middle), BIG], 'webhook_messages', 'webhook_messages_subscription_page_idx'],
      ['subscription of a project, a middle page', LIST_PROJECT_SUBSCRIPTION_MESSAGES, [...page(middle), BIG, 'p-big'], 'webhook_messages', 'webhook_messages_subscription_page_idx'],
      ['project, a middle page', LIST_PROJECT_MESSAGES, [...page(middle), 'p-big'], 'webhook_messages', 'webhook_messages_project_idx'],
      ['the hour of 500 subscriptions', RECENT_ATTEMPTS, [Array.from({ length: 500 }, (_, k) => sub(k)), new Date(NOW.getTime() - 3600_000), NOW], 'webhook_attempts', 'webhook_attempts_subscription_idx'],
    ];
    for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
      for (const [name, text, params, table, index] of statements) {
        // The list statements run planned for their values (PLAN_FOR_VALUES): their generic plans do not run.
        if (mode === 'force_generic_plan' && table === 'webhook_messages') continue;
        const plan = await planOf(text, params, mode, true);
        const scans = nodes(plan).filter((n) => typeof n['Relation Name'] === 'string');
        expect([mode, name, scans.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])]).toEqual([mode, name, []]);
        const main = scans.filter((n) => n['Relation Name'] === table);
        expect([mode, name, main.map((n) => n['Index Name'])]).toEqual([mode, name, [index]]);
        if (table === 'webhook_messages') {
          // A page reads its own rows (101) from the cursor on, not the subscription's other 39,899:
          // at most the ties of a key (one event's three messages) more by the project's index,
          // which ends at the position (the id is a filter there).
          const read = Number(main[0]['Actual Rows']) + Number(main[0]['Rows Removed by Filter'] ?? 0);
          expect([mode, name, read >= 101 && read <= 101 + (index === 'webhook_messages_project_idx' ? 4 : 0)]).toEqual([mode, name, true]);
          if (index === 'webhook_messages_subscription_page_idx') expect([mode, name, nodes(plan).filter((n) => /Sort/.test(String(n['Node Type'])))]).toEqual([mode, name, []]);
        }
      }
    }
  });
});
