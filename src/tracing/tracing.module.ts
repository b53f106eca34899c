import { Global, Module } from '@nestjs/common';
import { AppendTracing } from './append-tracing';
import { AttemptTracing } from './attempt-tracing';
import { ChannelTestTracing } from './channel-test-tracing';
import { FanoutTracing } from './fanout-tracing';
import { StageCallTracing } from './stage-call-tracing';
import { Tracing } from './tracing.service';

/** OpenTelemetry traces of this application (docs/TRACING.md): the tracer and the spans of each seam. */
@Global()
@Module({
  providers: [Tracing, AppendTracing, FanoutTracing, AttemptTracing, StageCallTracing, ChannelTestTracing],
  exports: [Tracing, AppendTracing, FanoutTracing, AttemptTracing, StageCallTracing, ChannelTestTracing],
})
export class TracingModule {}
