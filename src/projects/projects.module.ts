import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ProjectsController } from './http/projects.controller';
import { ProjectsRepository } from './infrastructure/projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [WebhooksModule],
  controllers: [ProjectsController],
  providers: [ProjectsRepository, ProjectsService],
})
export class ProjectsModule {}
