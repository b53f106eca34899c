import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiQueryFrom, errorExample } from '../../common/openapi';
import { parseWith } from '../../common/zod-validation';
import type { Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { RequireScope } from '../../auth/route-access.decorator';
import { ProjectsService } from '../projects.service';
import { ProjectList, ProjectListQuery } from './projects.schemas';

/** The projects Herald knows: GET /api/v1/projects (one project's webhooks, channels, routings: ProjectsController). */
@ApiTags('projects')
@Controller('api/v1/projects')
export class ProjectListController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOperation({
    summary:
      'List the projects by id (paging: limit, cursor): every project with a key, a project or batch webhook, a channel, a routing, a stored pipeline or a job, with its jobs in flight, webhooks, channels, keys and latest job; a project key lists its own project only',
  })
  @ApiQueryFrom(ProjectListQuery)
  @ApiAnswer(200, 'One page of projects', ProjectList)
  @ApiError(400, errorExample(() => parseWith(ProjectListQuery, { limit: '0' })), errorExample(() => parseWith(ProjectListQuery, { cursor: '-bad' })))
  @RequireScope('jobs:read')
  list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    return this.projects.list(caller, parseWith(ProjectListQuery, query ?? {}));
  }
}
