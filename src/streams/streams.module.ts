import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { EventLogStreams } from './event-log-streams.service';
import { EventFeed } from './event-feed.service';
import { EventsStreamController } from './http/events-stream.controller';
import { StatusStreamController } from './http/status-stream.controller';
import { StreamsRepository } from './infrastructure/streams.repository';
import { StatusStreams } from './status-streams.service';
import { StreamTokens } from './stream-tokens.service';

/** Live streams (server-sent events) fed by the committed event log: one EventFeed per instance. */
@Module({
  imports: [JobsModule],
  controllers: [StatusStreamController, EventsStreamController],
  providers: [StreamsRepository, EventFeed, StatusStreams, EventLogStreams, StreamTokens],
  exports: [EventFeed, StreamTokens],
})
export class StreamsModule {}
