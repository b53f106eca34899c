import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { HooksController } from './http/hooks.controller';
import { StoredPipelinesController } from './http/stored-pipelines.controller';
import { TriggersRepository } from './infrastructure/triggers.repository';
import { TriggersService } from './triggers.service';

/** Stored pipelines and webhook triggers (seed 004). */
@Module({
  imports: [JobsModule],
  controllers: [StoredPipelinesController, HooksController],
  providers: [TriggersRepository, TriggersService],
})
export class TriggersModule {}
