import { JobSweeper } from '../../src/jobs/job-sweeper.service';
import { JobWriter } from '../../src/jobs/job-writer.service';
import { startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { useHerald } from '../support/use-herald';

/**
 * Many workers on one job (JobWriter): reports and acquisitions that arrive together share a
 * transaction, yet the job's stream and read models are exactly as if they had run one by one,
 * and a refused report fails alone.
 */
describe('group commit of one job’s commands', () => {
  const { h, c } = useHerald();

  it('commits concurrent completions together, with contiguous versions, exact counts, and refusals that fail alone', async () => {
    const N = 120;
    const jobId = await c.submit({ name: 'group', nodes: [{ nodeName: 'n', algorithmName: 'group-alg', input: [`#[1...${N}]`] }] });
    // 40 workers acquire 3 each at the same time: every task handed out once.
    const acquired = (await Promise.all(Array.from({ length: 40 }, (_, w) => c.acquire(`w${w}`, ['group-alg'], 3)))).map((tasks, w) => tasks.map((t) => ({ ...t, w })));
    const tasks = acquired.flat();
    expect(tasks.length).toBe(N);
    expect(new Set(tasks.map((t) => t.taskId)).size).toBe(N);

    // All complete at once; among them an intruder's report and a second report of one task.
    const [dup] = tasks;
    const [intruder, ...outcomes] = await Promise.all([
      c.complete(tasks[1].taskId, 'intruder', 'not mine'),
      ...tasks.map((t) => c.complete(t.taskId, `w${t.w}`, { i: t.input })),
      c.complete(dup.taskId, `w${dup.w}`, 'again'),
    ]);
    expect(intruder.status).toBe(409);
    expect(intruder.body.error.code).toBe('LEASE_NOT_HELD');
    const statuses = outcomes.map((o) => o.status);
    // Every completion is accepted but one of the two reports of `dup`, which is refused.
    expect(statuses.filter((s) => s === 200).length).toBe(N);
    expect(statuses.filter((s) => s === 409).length).toBe(1);

    expect((await c.status(jobId)).status).toBe('completed');
    const results = (await c.results(jobId)).data.result as Array<{ result: unknown }>;
    expect(results.length).toBe(N);
    // Each task's own result, not the refused second report's.
    expect(results.every((r, i) => JSON.stringify(r.result) === JSON.stringify({ i: tasks.find((t) => t.batchID === `n#${i + 1}`)!.input }))).toBe(true);

    const [stream] = await h.db.query<{ n: number; min: number; max: number; txs: number; succeeded: number }>(
      `SELECT count(*)::int AS n, min(version)::int AS min, max(version)::int AS max,
              count(DISTINCT xmin::text) FILTER (WHERE event_type = 'task.succeeded')::int AS txs,
              count(*) FILTER (WHERE event_type = 'task.succeeded')::int AS succeeded
         FROM events WHERE stream_id = $1`,
      [jobId],
    );
    expect({ contiguous: stream.min === 1 && stream.max === stream.n, succeeded: stream.succeeded }).toEqual({ contiguous: true, succeeded: N });
    // Shared transactions: fewer than one per completion.
    expect(stream.txs).toBeLessThan(N);
    const [{ version }] = await h.db.query<{ version: number }>('SELECT version FROM jobs WHERE job_id = $1', [jobId]);
    expect(version).toBe(stream.n);
    // Finished tasks are forgotten (memory holds the tasks in flight, not every task ever handed
    // out); a late second report of a finished task may be looked up and remembered again.
    expect(h.app.get(JobWriter).rememberedTasks()).toBeLessThanOrEqual(2);
  });
});

describe('the lease sweeper on a busy job', () => {
  let h: RunningHerald;
  let c: HeraldClient;

  beforeAll(async () => {
    h = await startHerald({ sweepIntervalMs: 3_600_000 }); // swept by hand below
    c = client(h.baseUrl);
  });
  afterAll(() => h.close());

  it('takes an expired lease back while many workers keep the job busy (it waits its turn, never skips the job)', async () => {
    const jobId = await c.submit({ name: 'busy', nodes: [{ nodeName: 'n', algorithmName: 'busy-alg', input: ['#[1...400]'] }] });
    const [lost] = await c.acquire('gone', ['busy-alg'], 1, 0.2);
    const busy = await c.acquire('busy', ['busy-alg'], 399);
    await new Promise((r) => setTimeout(r, 300)); // the lost lease has run out
    // The sweep runs in the middle of 399 concurrent completions of the same job.
    const storm = Promise.all(busy.map((t) => c.complete(t.taskId, 'busy', 1)));
    const swept = await h.app.get(JobSweeper).sweepLeases();
    expect((await storm).every((r) => r.status === 200)).toBe(true);
    expect(swept).toBe(1);
    const [again] = await c.acquire('next', ['busy-alg']);
    expect([again.taskId, again.attempt]).toEqual([lost.taskId, 2]);
    expect((await c.complete(again.taskId, 'next', 1)).status).toBe(200);
    expect((await c.status(jobId)).status).toBe('completed');
  });
});
