import { Module, type OnModuleInit } from '@nestjs/common';
import { JobEventsListeners } from '../jobs/job-events.listener';
import { JobsModule } from '../jobs/jobs.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { StageRunsListener } from './infrastructure/stage-runs.listener';
import { StageRunsRepository } from './infrastructure/stage-runs.repository';
import { StageScopes } from './stage-scopes.service';
import { WebhookStageRunner } from './webhook-stage.runner';

/** Webhook stages (seed 004): pipeline nodes that Herald runs itself. */
@Module({
  imports: [JobsModule, WebhooksModule],
  providers: [StageRunsRepository, StageScopes, WebhookStageRunner],
})
export class StagesModule implements OnModuleInit {
  constructor(
    private readonly listeners: JobEventsListeners,
    private readonly repo: StageRunsRepository,
    private readonly runner: WebhookStageRunner,
  ) {}

  onModuleInit(): void {
    this.listeners.register(new StageRunsListener(this.repo, () => this.runner.wake()));
  }
}
