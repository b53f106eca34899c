import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorker, TaskError, type Worker } from '../../src/client/run-worker';
import { api, eventually } from '../support/herald';
import { createTestDatabase } from '../support/database';
import { jobIdPattern } from '../support/e2e';
import { Child, CLI, run } from '../support/child-process';
import { useHerald } from '../support/use-herald';

describe('the herald command line: jobs', () => {
  const { h, c } = useHerald();
  let dir: string;
  const workers: Worker[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  const herald = (...args: string[]) => run(CLI, [...args, '--url', h.baseUrl]);
  function worker(algorithm: string, handler: Parameters<typeof runWorker>[0]['handler']): Worker {
    const w = runWorker({ url: h.baseUrl, algorithmNames: [algorithm], concurrency: 3, idleMinMs: 20, idleMaxMs: 100, onError: () => undefined, handler });
    workers.push(w);
    return w;
  }
  function pipelineFile(name: string, pipeline: unknown): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(pipeline));
    return file;
  }

  it('submit --wait follows the job while a worker completes its tasks, prints the results and exits 0', async () => {
    const file = pipelineFile('sum', { name: 'cli-sum', nodes: [{ nodeName: 'double', algorithmName: 'cli-double', input: ['#@flowInput.list'] }] });
    worker('cli-double', (task) => (task.input as number[])[0] * 2);
    const out = await herald('submit', file, '--flow-input', '{"list":[1,2,3]}', '--wait', '--interval', '50');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(jobIdPattern('cli-sum'));
    expect(out.stdout).toContain('completed: 100.00% completed');
    expect(lines.slice(-3)).toEqual(['  double#1: 2', '  double#2: 4', '  double#3: 6']);
  });

  it('submit --wait --json prints one document, and exits 1 when the job failed; without --wait it prints the jobId', async () => {
    const flowFile = join(dir, 'flow.json');
    writeFileSync(flowFile, JSON.stringify({ list: ['x'] }));
    const file = pipelineFile('bad', { name: 'cli-bad', nodes: [{ nodeName: 'n', algorithmName: 'cli-bad-alg', input: ['#@flowInput.list'] }] });
    worker('cli-bad-alg', () => {
      throw new TaskError('not a number', { retryable: false });
    });
    const out = await herald('submit', file, '--flow-input', flowFile, '--wait', '--json', '--interval', '50');
    expect(out.code).toBe(1);
    const doc = JSON.parse(out.stdout);
    expect(doc).toMatchObject({ status: 'failed', results: [{ nodeName: 'n', batchID: 'n#1', error: 'not a number' }] });
    expect(doc.jobId).toMatch(jobIdPattern('cli-bad'));

    const plain = await herald('submit', file, '--flow-input', flowFile);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim()).toMatch(jobIdPattern('cli-bad'));
    const asJson = await herald('submit', file, '--flow-input', flowFile, '--json');
    expect(JSON.parse(asJson.stdout).jobId).toMatch(jobIdPattern('cli-bad'));
  });

  it('tail prints events as they happen and ends once the job ended', async () => {
    const jobId = await c.submit({ name: 'cli-tail', nodes: [{ nodeName: 'a', algorithmName: 'cli-tail-alg', input: ['#[1,2]'] }] });
    const tail = new Child(CLI, ['tail', jobId, '--url', h.baseUrl, '--interval', '50']);
    await tail.waitFor(/job\.submitted/);
    expect(tail.stdout).not.toContain('task.acquired');
    worker('cli-tail-alg', () => 'ok');
    const done = await tail.finished;
    expect(done.code).toBe(0);
    const lines = done.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}info {3}job\.submitted +\{"kind":"pipeline"/);
    expect(lines.at(-1)).toMatch(/ info +job\.completed /);
    expect(done.stdout).toMatch(/ debug +task\.acquired /);
    expect(done.stdout).not.toContain('\x1b['); // no colour when stdout is not a terminal

    const json = await herald('tail', jobId, '--json');
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual((await c.events(jobId)).map((e) => e.type));
    expect(events.at(-1)).toMatchObject({ type: 'job.completed', level: 'info' });
  });

  it('jobs lists jobs by status; queues shows a queue\'s settings, and without names every queue', async () => {
    const jobId = await c.submit({ name: 'cli-list', nodes: [{ nodeName: 'a', algorithmName: 'cli-list-alg', input: [1] }] });
    const pending = await herald('jobs', '--status', 'pending', '--json');
    expect(pending.code).toBe(0);
    expect(JSON.parse(pending.stdout).jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
    const table = await herald('jobs', '--pipeline', 'cli-list');
    expect(table.stdout.split('\n')[0]).toMatch(/^JOB +STATUS +PROGRESS +UPDATED$/);
    expect(table.stdout).toMatch(new RegExp(`${jobId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +pending +0\\.00%`));

    expect((await api(h.baseUrl, 'PUT', '/api/v1/queues/cli-render', { retryLimit: 2, leaseSeconds: 45 })).status).toBe(200);
    const queues = await herald('queues', 'cli-render', '--json');
    expect(JSON.parse(queues.stdout)).toEqual({ queues: [expect.objectContaining({ queueName: 'cli-render', retryLimit: 2, leaseSeconds: 45 })] });
    const human = await herald('queues', 'cli-render');
    expect(human.stdout).toMatch(/cli-render +2 +45 /);

    // Without names: every queue, following the pages (or up to --limit), with its requests.
    for (let i = 0; i < 3; i++) expect((await api(h.baseUrl, 'POST', '/queue/cli-busy', { i })).status).toBe(202);
    expect((await api(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'cli-q', queues: ['cli-busy'], max: 1 })).body.tasks).toHaveLength(1);
    const listed = await herald('queues', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      queues: [
        { queueName: 'cli-busy', retryLimit: 3, leaseSeconds: 30, retryDelaySeconds: 0, retryBackoff: false, pending: 2, active: 1 },
        { queueName: 'cli-render', retryLimit: 2, leaseSeconds: 45, retryDelaySeconds: 0, retryBackoff: false, pending: 0, active: 0 },
      ],
    });
    expect(JSON.parse((await herald('queues', '--json', '--limit', '1')).stdout).queues.map((q: { queueName: string }) => q.queueName)).toEqual(['cli-busy']);
    const all = await herald('queues');
    expect(all.stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^QUEUE +PENDING +ACTIVE +RETRIES +LEASE \(S\) +RETRY DELAY \(S\) +BACKOFF$/),
      expect.stringMatching(/^cli-busy +2 +1 +3 +30 +0 +no$/),
      expect.stringMatching(/^cli-render +0 +0 +2 +45 +0 +no$/),
    ]);
    expect((await herald('queues', '--limit', '0')).code).toBe(2);
  });

  it('bad usage is one line on stderr and exit code 2; an API refusal is one line and exit code 1', async () => {
    for (const args of [['bogus'], ['submit'], ['jobs', '--status', 'nope'], ['tail', 'a', 'b'], ['listen', '--fail-rate', '2'], ['jobs', '--bogus'], ['submit', join(dir, 'missing.json')]]) {
      const out = await herald(...args);
      expect({ args, code: out.code, lines: out.stderr.trim().split('\n').length, stdout: out.stdout }).toEqual({ args, code: 2, lines: 1, stdout: '' });
      expect(out.stderr).toMatch(/^herald: /);
    }
    const missing = await herald('tail', 'nope:00000000-0000-4000-8000-000000000000', '--json');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^herald tail: JOB_NOT_FOUND: .* \(HTTP 404\)$/);
    const help = await run(CLI, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('submit');
  });

  it('takes the URL from HERALD_URL', async () => {
    const out = await run(CLI, ['jobs', '--json', '--limit', '1'], { HERALD_URL: h.baseUrl });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toHaveProperty('jobs');
  });

  it('start runs the service', async () => {
    const database = await createTestDatabase();
    const service = new Child(CLI, ['start'], { DATABASE_URL: database.url, PORT: '0', HERALD_LOG_LEVEL: 'log', HERALD_DELIVERY_WORKERS: 'false' });
    try {
      const [, url] = await service.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 40_000);
      await eventually(async () => (await fetch(`${url}/health`)).status === 200, 10_000);
    } finally {
      await service.stop();
      await database.drop();
    }
  });
});
