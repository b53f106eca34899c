import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STAGE_CALL_OUTCOMES, statusClass, type ChannelTestOutcome, type DeliveryOutcome, type FanoutPath, type StageCallOutcome, type StageCallPhase, type StatusClass } from './domain/metric-labels';

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Stage calls may take minutes (their timeout is the stage's callTimeoutSeconds). */
const STAGE_CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'none'];
const OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'retrying', 'failed', 'disabled'];
const FANOUT_PATHS: readonly FanoutPath[] = ['chained', 'handoff', 'queue'];
const CHANNEL_TEST_OUTCOMES: readonly ChannelTestOutcome[] = ['delivered', 'failed'];

/** One attempt of a webhook delivery, as the delivery worker saw it. */
export interface DeliveryAttempt {
  outcome: DeliveryOutcome;
  /** The HTTP status answered; undefined when there was no answer. */
  statusCode: number | undefined;
  durationMs: number;
  /** The message's first attempt (else a retry). */
  first: boolean;
  /** Send time minus the time the attempt was due; undefined when that time is unknown. */
  lagMs: number | undefined;
}

/** One call of a webhook stage (create, poll or cancel), as the stage runner saw it. */
export interface StageCall {
  phase: StageCallPhase;
  outcome: StageCallOutcome;
  /** The HTTP status answered; undefined when there was no answer. */
  statusCode: number | undefined;
  durationMs: number;
}

/**
 * Herald's metrics (docs/METRICS.md), in one prom-client Registry per application (never the
 * global one: several Heralds may run in one process). Counters and histograms are kept in
 * memory where things happen; what the database knows (jobs, tasks, queues, backlogs) is read
 * at scrape time (MetricsScrape). The recording methods sit on the hot path: each is a label
 * lookup in a map of prom-client children made once per label set, and an increment.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({ name: 'herald_http_requests_total', help: 'HTTP requests answered, by method, matched route pattern and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly httpDuration = new Histogram({ name: 'herald_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method and matched route pattern', labelNames: ['method', 'route'], buckets: HTTP_BUCKETS, registers: [this.registry] });
  private readonly eventsAppended = new Counter({ name: 'herald_events_appended_total', help: 'Events appended to the event store (committed), by event type', labelNames: ['type'], registers: [this.registry] });
  private readonly fanout = new Counter({ name: 'herald_fanout_total', help: 'Fan-out jobs done, by the path that did them (chained, handoff, queue)', labelNames: ['path'], registers: [this.registry] });
  private readonly deliveries = new Counter({ name: 'herald_deliveries_total', help: 'Webhook delivery attempts, by outcome and status class', labelNames: ['outcome', 'status_class'], registers: [this.registry] });
  private readonly attemptDuration = new Histogram({ name: 'herald_delivery_attempt_duration_seconds', help: 'Webhook attempt time, from send to answer or error, by status class', labelNames: ['status_class'], buckets: ATTEMPT_BUCKETS, registers: [this.registry] });
  private readonly sendLag = new Histogram({ name: 'herald_delivery_send_lag_seconds', help: 'Send time of a webhook attempt minus the time it was due (message created, or the retry due), by attempt (first, retry)', labelNames: ['attempt'], buckets: LAG_BUCKETS, registers: [this.registry] });
  private readonly stageCalls = new Counter({ name: 'herald_stage_calls_total', help: 'Calls of webhook stages (create, monitor, cancel), by what they led to and status class', labelNames: ['phase', 'outcome', 'status_class'], registers: [this.registry] });
  private readonly stageCallDuration = new Histogram({ name: 'herald_stage_call_duration_seconds', help: 'Webhook stage call time, from send to answer or error, by phase', labelNames: ['phase'], buckets: STAGE_CALL_BUCKETS, registers: [this.registry] });
  private readonly channelTests = new Counter({ name: 'herald_channel_tests_total', help: 'Channel tests sent (POST /api/v1/projects/{projectId}/channels/{id}/test), by outcome and status class', labelNames: ['outcome', 'status_class'], registers: [this.registry] });
  private readonly retention = new Counter({ name: 'herald_retention_rows_removed_total', help: 'Rows removed by retention, by table', labelNames: ['table'], registers: [this.registry] });

  /** Read at scrape time (MetricsScrape). */
  readonly jobs = new Gauge({ name: 'herald_jobs', help: 'Jobs by status', labelNames: ['status'], registers: [this.registry] });
  readonly tasks = new Gauge({ name: 'herald_tasks', help: 'Tasks waiting for a worker (pending) or under lease (active)', labelNames: ['state'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'herald_queue_depth', help: 'pg-boss jobs waiting (created or retry) per Herald queue', labelNames: ['queue'], registers: [this.registry] });
  readonly queueOldest = new Gauge({ name: 'herald_queue_oldest_pending_seconds', help: 'Seconds since the oldest waiting job of each queue was due (0 when none is due)', labelNames: ['queue'], registers: [this.registry] });
  readonly endpointWaiting = new Gauge({ name: 'herald_endpoint_messages_waiting', help: 'Webhook messages not yet delivered (pending, retrying) per endpoint (origin), the largest (HERALD_METRICS_TOP_ENDPOINTS)', labelNames: ['endpoint'], registers: [this.registry] });
  readonly messagesWaiting = new Gauge({ name: 'herald_messages_waiting', help: 'Webhook messages not yet delivered (pending, retrying), every endpoint', registers: [this.registry] });
  readonly endpointsBacklogged = new Gauge({ name: 'herald_endpoints_backlogged', help: 'Endpoints (origins) with at least one webhook message not yet delivered', registers: [this.registry] });
  readonly messagesOldest = new Gauge({ name: 'herald_messages_oldest_waiting_seconds', help: 'Seconds since the oldest webhook message not yet delivered was created (0 when none is waiting)', registers: [this.registry] });
  readonly subscriptionsDisabled = new Gauge({ name: 'herald_subscriptions_disabled', help: 'Disabled webhook subscriptions', registers: [this.registry] });
  readonly poolConnections = new Gauge({ name: 'herald_db_pool_connections', help: "Connections of Herald's PostgreSQL pool: total, idle, and clients waiting for one", labelNames: ['state'], registers: [this.registry] });

  private readonly httpChildren = new Map<string, Map<string, { duration: HistogramChild; statuses: Map<number, CounterChild> }>>();
  private readonly eventChildren = new Map<string, CounterChild>();
  private readonly fanoutChildren = new Map<FanoutPath, CounterChild>();
  private readonly deliveryChildren = new Map<DeliveryOutcome, Map<StatusClass, CounterChild>>();
  private readonly durationChildren = new Map<StatusClass, HistogramChild>();
  private readonly stageCallChildren = new Map<string, Map<StatusClass, CounterChild>>();
  private readonly stageDurationChildren = new Map<StageCallPhase, HistogramChild>();
  private readonly channelTestChildren = new Map<ChannelTestOutcome, Map<StatusClass, CounterChild>>();
  private readonly firstLag: HistogramChild;
  private readonly retryLag: HistogramChild;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every series of a fixed label set exists from the start (at 0), so that rates and deltas
    // need no special case for a series that appears later.
    for (const path of FANOUT_PATHS) this.fanoutChildren.set(path, withZero(this.fanout.labels(path)));
    for (const outcome of OUTCOMES) {
      this.deliveryChildren.set(outcome, new Map(STATUS_CLASSES.map((c) => [c, withZero(this.deliveries.labels(outcome, c))])));
    }
    for (const c of STATUS_CLASSES) {
      this.attemptDuration.zero({ status_class: c });
      this.durationChildren.set(c, this.attemptDuration.labels(c));
    }
    for (const [phase, outcomes] of Object.entries(STAGE_CALL_OUTCOMES) as Array<[StageCallPhase, readonly StageCallOutcome[]]>) {
      for (const outcome of outcomes) {
        this.stageCallChildren.set(`${phase}|${outcome}`, new Map(STATUS_CLASSES.map((c) => [c, withZero(this.stageCalls.labels(phase, outcome, c))])));
      }
      this.stageCallDuration.zero({ phase });
      this.stageDurationChildren.set(phase, this.stageCallDuration.labels(phase));
    }
    for (const outcome of CHANNEL_TEST_OUTCOMES) {
      this.channelTestChildren.set(outcome, new Map(STATUS_CLASSES.map((c) => [c, withZero(this.channelTests.labels(outcome, c))])));
    }
    this.sendLag.zero({ attempt: 'first' });
    this.sendLag.zero({ attempt: 'retry' });
    this.firstLag = this.sendLag.labels('first');
    this.retryLag = this.sendLag.labels('retry');
  }

  /** An HTTP request was answered (`route`: the matched route pattern, or `unmatched`). */
  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.httpChildren.get(method);
    if (!byRoute) this.httpChildren.set(method, (byRoute = new Map()));
    let entry = byRoute.get(route);
    if (!entry) byRoute.set(route, (entry = { duration: this.httpDuration.labels(method, route), statuses: new Map() }));
    let counter = entry.statuses.get(status);
    if (!counter) entry.statuses.set(status, (counter = this.httpRequests.labels(method, route, String(status))));
    counter.inc();
    entry.duration.observe(seconds);
  }

  /** An event of this type was appended (and committed). */
  eventCommitted(type: string): void {
    let counter = this.eventChildren.get(type);
    if (!counter) this.eventChildren.set(type, (counter = this.eventsAppended.labels(type)));
    counter.inc();
  }

  /** `jobs` fan-out jobs were done by `path`. */
  fanoutDone(path: FanoutPath, jobs: number): void {
    if (jobs > 0) this.fanoutChildren.get(path)!.inc(jobs);
  }

  /** One webhook attempt ended (answered, failed or timed out). */
  deliveryAttempted(a: DeliveryAttempt): void {
    const cls = statusClass(a.statusCode);
    this.deliveryChildren.get(a.outcome)!.get(cls)!.inc();
    this.durationChildren.get(cls)!.observe(a.durationMs / 1000);
    if (a.lagMs !== undefined) (a.first ? this.firstLag : this.retryLag).observe(Math.max(0, a.lagMs) / 1000);
  }

  /** One call of a webhook stage ended (answered, failed or timed out) and its outcome was decided. */
  stageCalled(c: StageCall): void {
    const cls = statusClass(c.statusCode);
    let byClass = this.stageCallChildren.get(`${c.phase}|${c.outcome}`);
    if (!byClass) this.stageCallChildren.set(`${c.phase}|${c.outcome}`, (byClass = new Map()));
    let counter = byClass.get(cls);
    if (!counter) byClass.set(cls, (counter = this.stageCalls.labels(c.phase, c.outcome, cls)));
    counter.inc();
    this.stageDurationChildren.get(c.phase)!.observe(c.durationMs / 1000);
  }

  /** A channel test was sent and answered (or failed). */
  channelTested(outcome: ChannelTestOutcome, statusCode: number | undefined): void {
    this.channelTestChildren.get(outcome)!.get(statusClass(statusCode))!.inc();
  }

  /** Retention removed `rows` rows of `table`. */
  retentionRemoved(table: string, rows: number): void {
    if (rows > 0) this.retention.inc({ table }, rows);
  }

  /** The exposition (Prometheus text format) and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function withZero(child: CounterChild): CounterChild {
  child.inc(0);
  return child;
}
