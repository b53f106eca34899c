import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ProjectListController } from './http/project-list.controller';
import { ProjectsController } from './http/projects.controller';
import { ProjectListRepository } from './infrastructure/project-list.repository';
import { ProjectsRepository } from './infrastructure/projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [WebhooksModule],
  controllers: [ProjectListController, ProjectsController],
  providers: [ProjectsRepository, ProjectListRepository, ProjectsService],
})
export class ProjectsModule {}
