import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { HERALD_VERSION } from '../version';
import { contextOf } from './trace-context';
import { createTracerProvider } from './tracer-provider';

/**
 * This application's tracer (docs/TRACING.md). Off (no OTLP endpoint configured): no provider,
 * no exporter, and `enabled` false, which every seam checks before anything else, so no span
 * object is made on the hot path. On: a tracer provider of this application alone (tests run
 * several Heralds in one process, some tracing, some not), flushed when the application stops.
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  readonly enabled: boolean;
  private readonly provider?: BasicTracerProvider;
  private readonly tracer?: Tracer;

  constructor(@Inject(HERALD_CONFIG) config: HeraldConfig) {
    const { tracesUrl } = config.tracing;
    if (tracesUrl) {
      this.provider = createTracerProvider({ ...config.tracing, tracesUrl });
      this.tracer = this.provider.getTracer('herald', HERALD_VERSION);
      new Logger('Tracing').log(`spans are exported to ${tracesUrl} as ${config.tracing.serviceName}`);
    }
    this.enabled = this.tracer !== undefined;
  }

  /**
   * Starts a span, child of `parent`: a context, or a stored `traceparent` (none, or a malformed
   * one: the span starts a trace). Only when enabled.
   */
  start(name: string, options: SpanOptions, parent: Context | string | null | undefined): Span {
    if (!this.tracer) throw new Error('tracing is off');
    const context = parent === null || parent === undefined || typeof parent === 'string' ? contextOf(parent) : parent;
    return this.tracer.startSpan(name, options, context);
  }

  /** Exports the spans still waiting (after the workers stopped: their last attempts are in). */
  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    try {
      await this.provider.shutdown();
    } catch (err) {
      new Logger('Tracing').warn(`the last spans could not be exported: ${(err as Error).message}`);
    }
  }
}
