import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ConflictError, DomainError, ValidationError } from '../common/domain-error';
import type { Caller } from '../auth/domain/caller';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { StopJobCommand } from '../jobs/commands/stop-job.command';
import type { JobSummary } from '../jobs/domain/job.state';
import { JobQueries } from '../jobs/job-queries.service';
import type { CommandMeta } from '../jobs/job-store.service';
import { errorText } from '../jobs/domain/job.errors';
import { falLinks, falLogs, falNotFound, falQueueName, isOfApp, renderFalStatus } from './domain/fal-request';
import { requestStatus } from './domain/queue-request';
import { QueuesService } from './queues.service';
import { RequestWatch } from './request-watch.service';

/** Where a request is addressed: the fal app (`owner/app`) and the base URL of its routes here. */
export interface FalApp {
  owner: string;
  app: string;
  /** `<scheme>://<host>/fal/queue/<owner>/<app>` as the caller reached this Herald. */
  base: string;
}

/** What an answer is: its HTTP status and body. */
export interface FalAnswer {
  status: number;
  body: unknown;
}

/** A sink for one status stream (server-sent events). */
export interface StatusSink {
  send(data: unknown): void;
  comment(text: string): void;
  end(): void;
  /** Called once when the client goes away. */
  onClose(fn: () => void): void;
}

/** The fal queue dialect (domain/fal-request.ts) on the named queues: same jobs, workers and webhooks. */
@Injectable()
export class FalQueueService {
  constructor(
    private readonly queues: QueuesService,
    private readonly jobs: JobQueries,
    private readonly commands: CommandBus,
    private readonly watch: RequestWatch,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** POST /fal/queue/{owner}/{app}[/{path}]: `{ request_id, status: IN_QUEUE, queue_position, …_url }`. */
  async submit(
    caller: Caller,
    at: FalApp,
    path: string | undefined,
    body: unknown,
    webhook: { url?: string; secret?: string },
    group: { projectId?: string; batchId?: string },
    priority: number,
    meta: CommandMeta,
  ) {
    const queueName = falQueueName(at.owner, at.app, path);
    const id = await this.queues.submit(caller, queueName, body, webhook, group, meta, { fal: true, priority });
    const job = await this.jobs.summary(id);
    const task = await this.jobs.requestTask(id);
    const position = task && requestStatus(job, task) === 'queued' ? await this.queues.position(job, task) : 0;
    return { status: 'IN_QUEUE' as const, ...falLinks(at.base, id), gateway_request_id: id, queue_position: position };
  }

  /** GET .../requests/{id}/status: 202 while queued or in progress, 200 once completed. */
  async status(caller: Caller, at: FalApp, id: string, logs: boolean): Promise<FalAnswer & { version: number }> {
    const job = await this.request(caller, at, id);
    const task = await this.jobs.requestTask(id);
    const position = task && requestStatus(job, task) === 'queued' ? await this.queues.position(job, task) : undefined;
    const lines = logs ? falLogs((await this.jobs.events(caller, id)).events) : undefined;
    const body = renderFalStatus(job, task, falLinks(at.base, id), { position, logs: lines });
    return { status: body.status === 'COMPLETED' ? 200 : 202, body, version: job.version };
  }

  /** GET .../requests/{id}: the result; the worker's error (422) or the cancellation (409); 400 while unfinished. */
  async result(caller: Caller, at: FalApp, id: string): Promise<FalAnswer> {
    const job = await this.request(caller, at, id);
    const task = await this.jobs.requestTask(id);
    switch (requestStatus(job, task)) {
      case 'completed':
        return { status: 200, body: task?.result ?? null };
      case 'failed': {
        const error = task?.error ?? job.error ?? null;
        throw new DomainError('REQUEST_FAILED', errorText(error), 422, { request_id: id, error });
      }
      case 'cancelled':
        throw new ConflictError('REQUEST_CANCELLED', `request ${id} was cancelled`, { request_id: id });
      case 'queued':
      case 'acquired':
        throw new ValidationError(`request ${id} is still in progress`, { request_id: id }, 'REQUEST_IN_PROGRESS');
    }
  }

  /** PUT .../requests/{id}/cancel: CANCELLATION_REQUESTED (202), ALREADY_COMPLETED (400), NOT_FOUND (404). */
  async cancel(caller: Caller, at: FalApp, id: string, meta: CommandMeta): Promise<FalAnswer> {
    try {
      await this.request(caller, at, id);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'REQUEST_NOT_FOUND') return { status: 404, body: { error: { code: err.code, message: err.message }, detail: err.message, status: 'NOT_FOUND' } };
      throw err;
    }
    try {
      await this.commands.execute(new StopJobCommand(id, 'cancelled', meta, caller));
      return { status: 202, body: { status: 'CANCELLATION_REQUESTED' } };
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'JOB_NOT_RUNNING') throw err;
      const now = requestStatus(await this.jobs.summary(id), await this.jobs.requestTask(id));
      const message = `request ${id} is already ${now}`;
      return { status: 400, body: { error: { code: 'ALREADY_COMPLETED', message }, detail: message, status: 'ALREADY_COMPLETED' } };
    }
  }

  /**
   * GET .../requests/{id}/status/stream: the status at once, then again after every change of
   * the request, ending after COMPLETED; a comment every `streams.keepAliveMs` while idle. The
   * first read happens before the stream opens, so a missing request is a plain 404.
   */
  async stream(caller: Caller, at: FalApp, id: string, logs: boolean, open: () => StatusSink): Promise<void> {
    let current = await this.status(caller, at, id, logs);
    const sink = open();
    sink.send(current.body);
    if (current.status === 200) return sink.end();
    let reading: Promise<void> | undefined;
    let again = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      unwatch();
      clearInterval(keepAlive);
      sink.end();
    };
    const watcher = {
      version: current.version,
      changed: () => {
        if (done) return;
        if (reading) {
          again = true;
          return;
        }
        reading = (async () => {
          do {
            again = false;
            const next = await this.status(caller, at, id, logs);
            if (next.version === current.version) continue;
            current = next;
            watcher.version = next.version;
            sink.send(next.body);
            if (next.status === 200) return finish();
          } while (again && !done);
        })()
          .catch(() => finish())
          .finally(() => (reading = undefined));
      },
    };
    const unwatch = this.watch.watch(id, watcher);
    const keepAlive = setInterval(() => sink.comment('keep-alive'), this.config.streams.keepAliveMs);
    sink.onClose(finish);
  }

  private request(caller: Caller, at: FalApp, id: string): Promise<JobSummary> {
    const app = `${at.owner}/${at.app}`;
    return this.queues.find(caller, id, (q) => isOfApp(q, app), () => falNotFound(app, id));
  }
}
