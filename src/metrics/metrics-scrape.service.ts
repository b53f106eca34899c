import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { endpointOf } from '../webhooks/domain/endpoint-health';
import { MetricsRepository, type DatabaseGauges } from './infrastructure/metrics.repository';
import { MetricsService } from './metrics.service';

/**
 * One scrape of GET /metrics: the gauges the database knows are read (MetricsRepository: three
 * short reads) and set, the pool's connections are read, then the registry is rendered. Scrapes
 * that overlap share one read. A read cancelled for taking too long leaves its gauges out of that
 * scrape; a database that does not answer fails the scrape (the controller answers 503) rather
 * than expose stale gauges.
 */
@Injectable()
export class MetricsScrape {
  private readonly log = new Logger('Metrics');
  private reading?: Promise<DatabaseGauges>;

  constructor(
    private readonly metrics: MetricsService,
    private readonly repo: MetricsRepository,
    private readonly db: Db,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async scrape(): Promise<{ contentType: string; body: string }> {
    this.reading ??= this.repo.read(this.db, this.config.metricsTopEndpoints).finally(() => (this.reading = undefined));
    this.apply(await this.reading);
    return this.metrics.exposition();
  }

  private apply(g: DatabaseGauges): void {
    const m = this.metrics;
    // A part whose read was cancelled (too slow) is left out of this scrape, never shown stale.
    m.jobs.reset();
    for (const { status, n } of g.jobs ?? []) m.jobs.set({ status }, n);
    m.tasks.reset();
    m.queueDepth.reset();
    m.queueOldest.reset();
    if (g.live) {
      m.tasks.set({ state: 'pending' }, g.live.tasks.pending);
      m.tasks.set({ state: 'active' }, g.live.tasks.active);
      for (const q of g.live.queues) {
        m.queueDepth.set({ queue: q.queue }, q.depth);
        m.queueOldest.set({ queue: q.queue }, q.oldestSeconds);
      }
      m.subscriptionsDisabled.set(g.live.subscriptionsDisabled);
    } else m.subscriptionsDisabled.remove();
    // Endpoints come and go from the largest: last scrape's are dropped first.
    m.endpointWaiting.reset();
    const backlog = g.backlog;
    if (backlog) {
      // Spelled as URL.origin spells it (the statement's origins already are, but for IDN hosts).
      const byOrigin = new Map<string, number>();
      for (const e of backlog.endpoints) {
        const origin = e.endpoint === null ? 'unknown' : endpointOf(e.endpoint);
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + e.waiting);
      }
      for (const [endpoint, waiting] of byOrigin) m.endpointWaiting.set({ endpoint }, waiting);
      m.messagesWaiting.set(backlog.total);
      m.endpointsBacklogged.set(backlog.endpointCount);
      m.messagesOldest.set(backlog.oldestSeconds);
    } else {
      m.messagesWaiting.remove();
      m.endpointsBacklogged.remove();
      m.messagesOldest.remove();
    }
    const missing = [g.live ? [] : ['tasks, queues, disabled subscriptions'], g.jobs ? [] : ['jobs'], g.backlog ? [] : ['webhook backlog']].flat();
    if (missing.length > 0) this.log.warn(`scrape: reading ${missing.join('; ')} took too long (cancelled): left out of this scrape`);
    const pool = this.db.pool;
    m.poolConnections.set({ state: 'total' }, pool.totalCount);
    m.poolConnections.set({ state: 'idle' }, pool.idleCount);
    m.poolConnections.set({ state: 'waiting' }, pool.waitingCount);
  }
}
