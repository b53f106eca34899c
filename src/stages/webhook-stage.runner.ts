import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import type { JobEvent, StagePhase } from '../jobs/domain/job.events';
import { isFinished, type Task } from '../jobs/domain/job.state';
import { JobStore } from '../jobs/job-store.service';
import { stageCallOutcome, type StageCallPhase } from '../metrics/domain/metric-labels';
import { MetricsService } from '../metrics/metrics.service';
import { StageCallTracing } from '../tracing/stage-call-tracing';
import { HttpSender, type CallResult } from '../webhooks/infrastructure/http-sender';
import { jobEvent } from '../jobs/domain/job.events';
import { ExpressionEvaluationError } from './domain/stage-expression';
import { cancelRequest, createRequest, pollRequest, type StageRequest } from './domain/stage-request';
import { afterCreate, afterPoll, type StageRun, type Step } from './domain/webhook-run';
import { callEvent, decideStageStart, decideStageStep, failStage } from './domain/webhook-stage.decide';
import { MAX_STAGE_BODY, type WebhookStageSpec } from './domain/webhook-stage.types';
import { StageScopes } from './stage-scopes.service';
import { StageRunsRepository, type ClaimedRun, type RunState } from './infrastructure/stage-runs.repository';

/** Held while one call is made: the longest call timeout plus a margin. */
const LEASE_SECONDS = 330;
const MAX_IN_FLIGHT = 64;
const META = { actor: 'herald:webhook-stage' };

/**
 * Runs webhook stages on every instance. A due run is claimed with a lease (SKIP LOCKED), one
 * HTTP call is made with no transaction open, and its outcome is recorded in one transaction
 * under the job's lock: events appended, run saved (fenced by the lease), lease released. Poll
 * state lives in the run row, so any instance resumes a stage after a restart.
 */
@Injectable()
export class WebhookStageRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('WebhookStages');
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: JobStore,
    private readonly runs: StageRunsRepository,
    private readonly scopes: StageScopes,
    private readonly sender: HttpSender,
    private readonly traces: StageCallTracing,
    private readonly metrics: MetricsService,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([...this.inFlight]);
  }

  /** Something became due in this instance (a stage node expanded, a job ended). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ticking = this.tick()
        .catch((err) => this.log.error(`webhook stages: ${(err as Error).message}`))
        .finally(() => {
          this.ticking = undefined;
          const more = this.again;
          this.again = false;
          this.schedule(more ? 0 : this.config.stagePollMs);
        });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room <= 0) return;
    const claimed = await this.runs.claimDue(this.store.db, LEASE_SECONDS, room);
    for (const claim of claimed) {
      const p: Promise<void> = this.process(claim)
        .catch((err) => this.log.error(`webhook stage ${claim.taskId}: ${(err as Error).message}`))
        .finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
      this.inFlight.add(p);
    }
  }

  private async process(claim: ClaimedRun): Promise<void> {
    const { repo, db } = this.store;
    const [job, task, spec] = await Promise.all([repo.getJob(db, claim.jobId), repo.getTask(db, claim.taskId), repo.getSpec(db, claim.jobId)]);
    const stage = spec?.nodes.find((n) => n.nodeName === claim.nodeName)?.webhook;
    if (!job || !task || !stage) return this.record(claim, [], 'done', new Date(), claim.run);
    if (claim.state === 'canceling' || isFinished(job.status)) return this.cancel(claim, stage, task, await this.scopes.scope(job, spec, task, claim.run.context));
    const scope = await this.scopes.scope(job, spec, task);
    let run = claim.run;
    let current = task;
    if (run.phase === 'start') {
      const started = await this.start(claim, stage, task, scope);
      if (!started) return;
      ({ run, task: current } = started);
    }
    const now = this.store.context().now;
    if (run.deadline && now.getTime() >= new Date(run.deadline).getTime()) {
      return this.finish(claim, current, 'create', { run, outcome: { kind: 'failed', error: `node ${task.nodeName} timed out after ${stage.timeoutSeconds} s` } }, undefined);
    }
    let request: StageRequest;
    try {
      request = run.phase === 'monitor' ? pollRequest(stage, run.statusUrl!, scope) : createRequest(stage, scope);
    } catch (err) {
      if (!(err instanceof ExpressionEvaluationError)) throw err;
      return this.finish(claim, current, 'create', { run, outcome: { kind: 'failed', error: err.message } }, undefined);
    }
    const phase: StagePhase = run.phase === 'monitor' ? 'monitor' : 'create';
    const result = await this.call(claim, current, phase, run.attempts + 1, stage, request);
    const at = this.store.context().now;
    const step = phase === 'monitor' ? afterPoll(run, stage, result, at) : afterCreate(run, stage, request, result, at, Math.random());
    this.metrics.stageCalled({ phase, outcome: stageCallOutcome(step.outcome.kind), statusCode: result.statusCode, durationMs: result.durationMs });
    await this.finish(claim, current, phase, step, callEvent(current, phase, request, result, step.monitor));
  }

  /** First claim of a run: the task becomes active (held by Herald), the deadline starts. */
  private async start(claim: ClaimedRun, stage: WebhookStageSpec, task: Task, scope: Awaited<ReturnType<StageScopes['scope']>>): Promise<{ run: StageRun; task: Task } | undefined> {
    let request: StageRequest | undefined;
    let error: string | undefined;
    try {
      request = createRequest(stage, scope);
    } catch (err) {
      if (!(err instanceof ExpressionEvaluationError)) throw err;
      error = err.message;
    }
    const now = this.store.context().now;
    const run: StageRun = {
      ...claim.run,
      phase: stage.monitorOnly ? 'monitor' : 'create',
      deadline: new Date(now.getTime() + stage.timeoutSeconds * 1000).toISOString(),
      createStartedAt: now.toISOString(),
      ...(stage.monitorOnly && request ? { statusUrl: request.url, monitorStartedAt: now.toISOString(), context: { webhook: { statusEndpoint: request.url } } } : {}),
    };
    return this.store.withTask(task.taskId, async (tx, job, locked) => {
      const ctx = this.store.context();
      const events = decideStageStart(job, locked, request ?? { url: stage.url, method: stage.method }, ctx.now);
      if (events.length === 0) {
        tx.defer(this.runs.save(tx, claim, { state: isFinished(job.status) ? 'canceling' : 'done', nextAt: ctx.now, run: claim.run }, ctx.now));
        return undefined;
      }
      const active: Task = { ...locked, state: 'active', attempt: locked.attempt + 1 };
      if (error !== undefined) {
        tx.defer(this.runs.save(tx, claim, { state: 'done', nextAt: ctx.now, run }, ctx.now));
        await this.store.commit(tx, job, [...events, ...failStage(active, error, run)], ctx, META);
        return undefined;
      }
      tx.defer(this.runs.save(tx, claim, { state: 'running', nextAt: ctx.now, run, keepLease: true }, ctx.now));
      await this.store.commit(tx, job, events, ctx, META);
      return { run, task: active };
    });
  }

  /** Records one step under the job's lock: its events, and the run's next state. */
  private async finish(claim: ClaimedRun, task: Task, phase: StagePhase, step: Step, call: JobEvent | undefined): Promise<void> {
    await this.store.withTask(task.taskId, async (tx, job, locked) => {
      const ctx = this.store.context();
      const events = decideStageStep(job, locked, phase, step, call);
      const o = step.outcome;
      let state: RunState;
      let nextAt = ctx.now;
      if (isFinished(job.status) || locked.state !== 'active') state = 'canceling';
      else if (o.kind === 'poll' || o.kind === 'retry') {
        state = 'running';
        nextAt = o.at;
      } else state = o.kind === 'canceled' ? 'canceling' : 'done';
      // Saved before the events: a job ended by them leaves this run as decided here.
      tx.defer(this.runs.save(tx, claim, { state, nextAt, run: step.run }, ctx.now));
      if (events.length > 0) await this.store.commit(tx, job, events, ctx, META);
    });
  }

  /** The job ended (stop, ttl, failure, canceled remote work): send the cancel request, best effort. */
  private async cancel(claim: ClaimedRun, stage: WebhookStageSpec, task: Task, scope: Awaited<ReturnType<StageScopes['scope']>>): Promise<void> {
    let request: StageRequest | undefined;
    let error: string | null = null;
    try {
      request = claim.run.created || claim.run.phase === 'monitor' ? cancelRequest(stage, scope) : undefined;
    } catch (err) {
      if (!(err instanceof ExpressionEvaluationError)) throw err;
      error = err.message;
    }
    const events: JobEvent[] = [];
    if (request) {
      const result = await this.call(claim, task, 'cancel', 1, stage, request);
      this.metrics.stageCalled({ phase: 'cancel', outcome: 'sent', statusCode: result.statusCode, durationMs: result.durationMs });
      const failure = result.statusCode === undefined ? `${result.errorCode ?? 'ERROR'}: ${result.errorMessage ?? ''}` : null;
      events.push(jobEvent('stage.cancel-sent', { taskId: task.taskId, nodeName: task.nodeName, url: request.url, method: request.method, statusCode: result.statusCode ?? null, error: failure }));
    } else if (error !== null) {
      events.push(jobEvent('stage.cancel-sent', { taskId: task.taskId, nodeName: task.nodeName, url: stage.cancelEndpoint ?? '', method: stage.cancelMethod, statusCode: null, error }));
    }
    await this.record(claim, events, 'done', this.store.context().now, claim.run);
  }

  /**
   * One HTTP call of the stage, with no transaction open: its span (a child of the job's trace,
   * tracing on) and, in its headers, its traceparent.
   */
  private async call(claim: ClaimedRun, task: Task, phase: StageCallPhase, call: number, stage: WebhookStageSpec, request: StageRequest): Promise<CallResult> {
    const span = this.traces.start({ jobId: claim.jobId, taskId: task.taskId, nodeName: task.nodeName, phase, call, traceParent: claim.traceParent }, request);
    try {
      const result = await this.sender.call({ ...request, headers: span.headers(request.headers), timeoutMs: stage.callTimeoutSeconds * 1000, maxBodyBytes: MAX_STAGE_BODY });
      span.end(result);
      return result;
    } catch (err) {
      span.end({ errorCode: 'ERROR', errorMessage: (err as Error).message });
      throw err;
    }
  }

  private async record(claim: ClaimedRun, events: JobEvent[], state: RunState, nextAt: Date, run: StageRun): Promise<void> {
    await this.store.db.tx(async (tx) => {
      const job = await this.store.lock(tx, claim.jobId);
      const ctx = this.store.context();
      tx.defer(this.runs.save(tx, claim, { state, nextAt, run }, ctx.now));
      if (job && events.length > 0) await this.store.commit(tx, job, events, ctx, META);
    });
  }
}
