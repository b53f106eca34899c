import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample } from '../../common/openapi';
import { parseBody } from '../../common/zod-validation';
import { assertProjectVisible, projectNotFound, type Caller } from '../../auth/domain/caller';
import { CurrentCaller } from '../../auth/current-caller.decorator';
import { AdminOnly, RequireScope } from '../../auth/route-access.decorator';
import { assertProjectId } from '../../auth/keys.service';
import { ProjectLimitsService } from '../limits.service';
import { LimitsRequest, LimitsView } from './limits.schemas';

const badProject = errorExample(() => assertProjectId('bad project'));
const otherProject = errorExample(projectNotFound('proj-2'));

/** A project's limits: read by its keys, set by an admin. */
@ApiTags('projects')
@Controller('api/v1/projects/:projectId/limits')
export class LimitsController {
  constructor(private readonly limits: ProjectLimitsService) {}

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: "The project's limits (requests per second, jobs in flight, webhooks) and what it uses" })
  @ApiAnswer(200, 'The limits', LimitsView)
  @ApiError(400, badProject)
  @ApiError(404, otherProject)
  get(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    assertProjectVisible(caller, projectId);
    assertProjectId(projectId);
    return this.limits.view(projectId);
  }

  @Put()
  @AdminOnly()
  @ApiOperation({ summary: "Set the project's limits (null: the configured default, 0: no limit); applies within HERALD_KEY_CACHE_MS on every instance" })
  @ApiJsonBody(LimitsRequest)
  @ApiAnswer(200, 'The limits now', LimitsView)
  @ApiError(400, errorExample(() => parseBody(LimitsRequest, { maxJobsInFlight: -1 }, { what: 'limits' })), badProject)
  put(@Param('projectId') projectId: string, @Body() body: unknown) {
    assertProjectId(projectId);
    return this.limits.put(projectId, parseBody(LimitsRequest, body, { what: 'limits' }));
  }
}
