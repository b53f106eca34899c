import { Global, Module } from '@nestjs/common';
import { AppendTracing } from './append-tracing';
import { AttemptTracing } from './attempt-tracing';
import { FanoutTracing } from './fanout-tracing';
import { Tracing } from './tracing.service';

/** OpenTelemetry traces of this application (docs/TRACING.md): the tracer and the spans of each seam. */
@Global()
@Module({
  providers: [Tracing, AppendTracing, FanoutTracing, AttemptTracing],
  exports: [Tracing, AppendTracing, FanoutTracing, AttemptTracing],
})
export class TracingModule {}
