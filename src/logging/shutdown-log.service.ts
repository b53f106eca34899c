import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { HERALD_LOG, type HeraldLog } from './herald-log';

/**
 * The two lines of a stop: when it begins (before any shutdown hook: the loops stop, attempts in
 * flight get the grace period) and when it is over (the last hooks ran: the pool is closed).
 */
@Injectable()
export class ShutdownLog implements OnApplicationShutdown {
  private readonly log: HeraldLog;
  private startedAt?: number;

  constructor(@Inject(HERALD_LOG) log: HeraldLog, @Inject(HERALD_CONFIG) private readonly config: HeraldConfig) {
    this.log = log.child({ context: 'Herald' });
  }

  started(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = Date.now();
    this.log.info({ graceMs: this.config.shutdownGraceMs }, `shutting down: the loops stop, attempts in flight have ${this.config.shutdownGraceMs} ms to finish`);
  }

  onApplicationShutdown(signal?: string): void {
    const durationMs = this.startedAt === undefined ? undefined : Date.now() - this.startedAt;
    this.startedAt = undefined;
    this.log.info({ ...(signal ? { signal } : {}), ...(durationMs === undefined ? {} : { durationMs }) }, `stopped${durationMs === undefined ? '' : ` in ${durationMs} ms`}`);
  }
}

/** Nest's Express adapter, telling when a stop begins: `beforeClose` runs before every shutdown hook. */
export class HeraldExpressAdapter extends ExpressAdapter {
  onShutdown?: () => void;

  override beforeClose(): void {
    this.onShutdown?.();
    super.beforeClose();
  }
}
