/**
 * HKube's pause and resume (core/api-server: routes/v1/exec.js POST /exec/pause and /exec/resume,
 * lib/service/execution.js pauseJob / resumeJob, tests exec-pause.js and exec-resume.js), ported
 * to a real Herald with real workers: each `it` names the original test where there is one.
 * Herald keeps its own error format (`{ error: { code, message } }`, stable codes) and answers a
 * pause or resume that the job's status refuses with 409 (HKube: 400), in HKube's words.
 */
import { ISO_TIME, runWorker, type AcquiredTask } from '../support/e2e';
import { eventually } from '../support/herald';
import { Receiver } from '../support/receiver';
import { useHerald } from '../support/use-herald';
import { fastWebhooks } from '../support/webhooks';

describe('HKube compatibility: /exec/pause and /exec/resume', () => {
  const { c } = useHerald(fastWebhooks());
  const OK = { message: 'OK' };
  const pause = (jobId: unknown) => c.call('POST', '/api/v1/exec/pause', { jobId });
  const resume = (jobId: unknown) => c.call('POST', '/api/v1/exec/resume', { jobId });
  const batch = (name: string, alg: string, items = '#[1,2,3]', extra: Record<string, unknown> = {}) => ({
    name,
    nodes: [
      { nodeName: 'green', algorithmName: alg, input: [items] },
      { nodeName: 'yellow', algorithmName: `${alg}-y`, input: ['@green'] },
    ],
    ...extra,
  });
  const leaseExpired = async (jobId: string, taskId: string) =>
    (await c.events(jobId)).some((e) => e.type === 'task.retried' && e.data.taskId === taskId && e.data.reason === 'lease expired');

  describe('/exec/pause (exec-pause.js)', () => {
    it('should throw validation error of required property jobId', async () => {
      const res = await c.call('POST', '/api/v1/exec/pause', {});
      // HKube: "data should have required property 'jobId'"; Herald words its body validation as for stop.
      expect([res.status, res.body]).toEqual([400, { error: { code: 'VALIDATION_FAILED', message: 'invalid request: jobId is required', details: [{ path: 'jobId', message: 'is required' }] } }]);
    });

    it('should throw validation error of jobId Not Found', async () => {
      const res = await pause('no_such_id');
      // HKube: { code: 404, message: 'jobId no_such_id Not Found' }.
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job no_such_id does not exist' } }]);
    });

    it('should not succeed to pause completed pipeline (409 JOB_NOT_RUNNING, as for stop)', async () => {
      const jobId = await c.submit({ name: 'flow1', nodes: [{ nodeName: 'a', algorithmName: 'pause-done', input: [1] }] });
      await runWorker(c, 'w', ['pause-done'], 1, () => 'done');
      expect((await c.status(jobId)).status).toBe('completed');
      const res = await pause(jobId);
      // HKube: 400 "unable to pause pipeline flow1 because its in completed status".
      expect([res.status, res.body]).toEqual([409, { error: { code: 'JOB_NOT_RUNNING', message: `job ${jobId} is already completed`, details: { jobId, status: 'completed' } } }]);
    });

    it('should succeed to pause (answers { message: "OK" }; status reads paused)', async () => {
      const jobId = await c.submit(batch('flow1', 'pause-ok'));
      const res = await pause(jobId);
      expect([res.status, res.body]).toEqual([200, OK]);
      expect(await c.status(jobId)).toEqual({
        jobId,
        timestamp: expect.stringMatching(ISO_TIME),
        pipeline: 'flow1',
        level: 'info',
        status: 'paused',
        data: { progress: '0.00', details: '0.00% completed, 3 pending, 1 creating', states: { pending: 3, creating: 1 }, activeNodes: [] },
      });
      const last = (await c.events(jobId)).at(-1)!;
      expect([last.type, last.level, last.data, last.metadata.actor]).toEqual(['job.paused', 'info', {}, 'api']);
    });

    it("refuses to pause a paused job: 409 JOB_ALREADY_PAUSED, in HKube's words", async () => {
      const jobId = await c.submit(batch('flow1', 'pause-twice'));
      expect((await pause(jobId)).status).toBe(200);
      const res = await pause(jobId);
      expect([res.status, res.body]).toEqual([
        409,
        { error: { code: 'JOB_ALREADY_PAUSED', message: 'unable to pause pipeline flow1 because its in paused status', details: { jobId, status: 'paused' } } },
      ]);
    });
  });

  describe('/exec/resume (exec-resume.js)', () => {
    it('should throw validation error of required property jobId', async () => {
      const res = await c.call('POST', '/api/v1/exec/resume', {});
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'VALIDATION_FAILED', [{ path: 'jobId', message: 'is required' }]]);
    });

    it('should throw validation error of jobId Not Found', async () => {
      const res = await resume('no_such_id');
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job no_such_id does not exist' } }]);
    });

    it('should succeed to resume (a job no worker started goes back to pending)', async () => {
      const jobId = await c.submit(batch('flow1', 'resume-ok'));
      expect((await pause(jobId)).status).toBe(200);
      const res = await resume(jobId);
      expect([res.status, res.body]).toEqual([200, OK]);
      expect((await c.status(jobId)).status).toBe('pending');
    });

    it("refuses to resume a job that is not paused: 409 JOB_NOT_PAUSED, in HKube's words", async () => {
      const jobId = await c.submit(batch('flow1', 'resume-active'));
      const res = await resume(jobId);
      expect([res.status, res.body]).toEqual([
        409,
        { error: { code: 'JOB_NOT_PAUSED', message: 'unable to resume pipeline flow1 because its in pending status', details: { jobId, status: 'pending' } } },
      ]);
    });
  });

  describe('what a pause does to the work', () => {
    it('hands out no task of a paused job, even after a lease runs out; leased tasks may still be completed; resume hands them out again and the job completes', async () => {
      const alg = 'pause-work';
      const jobId = await c.submit(batch('pausing', alg));
      const [held] = await c.acquire('w-held', [alg], 1, 30);
      const [brief] = await c.acquire('w-brief', [alg], 1, 1);
      expect((await pause(jobId)).status).toBe(200);
      expect(await c.acquire('w', [alg], 10)).toEqual([]);
      expect((await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'any', max: 10 })).body.tasks.filter((t: AcquiredTask) => t.jobId === jobId)).toEqual([]);

      // A task leased before the pause: heartbeat and complete as usual.
      expect((await c.heartbeat(held.taskId, 'w-held', 30)).status).toBe(200);
      expect((await c.complete(held.taskId, 'w-held', 10)).status).toBe(200);

      // The other lease runs out while paused: the task is pending again, but not handed out.
      await eventually(() => leaseExpired(jobId, brief.taskId));
      expect(await c.acquire('w', [alg], 10)).toEqual([]);
      const paused = await c.status(jobId);
      expect([paused.status, paused.data.details]).toEqual(['paused', '25.00% completed, 1 succeed, 2 pending, 1 creating']);
      expect((await c.complete(brief.taskId, 'w-brief', 20)).status).toBe(409);

      expect([(await resume(jobId)).body, (await c.status(jobId)).status]).toEqual([OK, 'active']);
      const again = await c.acquire('w', [alg], 10);
      // The task whose lease ran out (attempt 2) and the one never handed out.
      expect(again).toHaveLength(2);
      expect(again.map((t) => t.taskId)).not.toContain(held.taskId);
      expect(again.find((t) => t.taskId === brief.taskId)!.attempt).toBe(2);
      for (const t of again) expect((await c.complete(t.taskId, 'w', 30)).status).toBe(200);
      await runWorker(c, 'w', [`${alg}-y`], 1, () => 'yellow');
      const done = await c.status(jobId);
      expect([done.status, done.data.details]).toEqual(['completed', '100.00% completed, 4 succeed']);

      const audit = await c.call('GET', `/api/v1/exec/auditTrail/${encodeURIComponent(jobId)}`);
      expect(audit.body.map((a: { action: string }) => a.action)).toEqual(['resume', 'pause', 'run']);
    });

    it('does not advance a paused job: a node whose last task completes while paused expands on resume', async () => {
      const alg = 'pause-advance';
      const jobId = await c.submit(batch('pausing', alg, '#[1]'));
      const [t] = await c.acquire('w', [alg], 1);
      expect((await pause(jobId)).status).toBe(200);
      expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
      expect((await c.status(jobId)).data.details).toBe('50.00% completed, 1 succeed, 1 creating');
      expect(await c.acquire('w', [`${alg}-y`], 1)).toEqual([]);
      expect((await resume(jobId)).status).toBe(200);
      expect((await c.status(jobId)).data.details).toBe('50.00% completed, 1 succeed, 1 pending');
      await runWorker(c, 'w', [`${alg}-y`], 1, () => 'yellow');
      expect((await c.status(jobId)).status).toBe('completed');
    });

    it('stops a paused job (POST /exec/stop): tasks stopped, the leased one refused', async () => {
      const alg = 'pause-stop';
      const jobId = await c.submit(batch('pausing', alg));
      const [t] = await c.acquire('w', [alg], 1);
      expect((await pause(jobId)).status).toBe(200);
      const res = await c.stop(jobId);
      expect([res.status, res.body]).toEqual([200, { stoppedJobIds: [jobId] }]);
      const s = await c.status(jobId);
      expect([s.status, s.reason, s.data.details]).toEqual(['stopped', 'stopped due to request', '0.00% completed, 3 stopped, 1 creating']);
      expect((await c.complete(t.taskId, 'w', 1)).status).toBe(409);
      expect((await resume(jobId)).body.error.code).toBe('JOB_NOT_PAUSED');
      expect((await pause(jobId)).body.error.code).toBe('JOB_NOT_RUNNING');
    });

    it("lets a paused job's ttl run out (stopped, reason ttl expired)", async () => {
      const jobId = await c.submit(batch('pausing', 'pause-ttl', '#[1]', { options: { ttl: 1 } }));
      expect((await pause(jobId)).status).toBe(200);
      const s = await eventually(async () => {
        const st = await c.status(jobId);
        return st.status === 'stopped' && st;
      });
      expect(s.reason).toBe('ttl expired');
    });

    it('lists a paused job among the unfinished ones (jobs?raw=true, bulk stop by status paused)', async () => {
      const jobId = await c.submit(batch('pause-listed', 'pause-list'));
      expect((await pause(jobId)).status).toBe(200);
      expect((await c.call('GET', '/api/v1/exec/jobs?raw=true')).body).toContain(jobId);
      expect((await c.call('GET', '/api/v1/exec/jobs?status=paused')).body.jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
      const stopped = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'pause-listed', statusToStop: 'paused' });
      expect([stopped.status, stopped.body]).toEqual([200, { stoppedJobIds: [jobId] }]);
    });
  });

  describe('the progress webhook', () => {
    const rx = new Receiver();
    beforeAll(() => rx.start());
    afterAll(() => rx.stop());

    it('posts the pause (status paused) and the resume, as the status endpoint shows them', async () => {
      const jobId = await c.submit(batch('pause-hooks', 'pause-hook', '#[1]', { webhooks: { progress: `${rx.url}/progress` } }));
      const [t] = await c.acquire('w', ['pause-hook'], 1);
      expect((await pause(jobId)).status).toBe(200);
      const pausedStatus = await c.status(jobId);
      await eventually(async () => rx.bodies('/progress').some((b) => b.status === 'paused'));
      expect(rx.bodies('/progress').find((b) => b.status === 'paused')).toEqual(pausedStatus);
      expect((await resume(jobId)).status).toBe(200);
      await eventually(async () => rx.bodies('/progress').at(-1)?.status === 'active');
      expect(rx.bodies('/progress').at(-1)).toEqual(await c.status(jobId));
      expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
    });
  });
});
