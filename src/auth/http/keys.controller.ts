import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample } from '../../common/openapi';
import { parseBody } from '../../common/zod-validation';
import { projectNotFound, type Caller } from '../domain/caller';
import { assertProjectId, keyNotFound, KeysService } from '../keys.service';
import { CurrentCaller } from '../current-caller.decorator';
import { AdminOnly } from '../route-access.decorator';
import { CreatedKey, KeyList, KeyRequest } from './keys.schemas';

const KEY = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
const badProject = errorExample(() => assertProjectId('bad project'));
const otherProject = errorExample(projectNotFound('proj-2'));

/** Project API keys, managed with an admin key. */
@ApiTags('keys')
@Controller('api/v1/projects/:projectId/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create an API key of the project; the key is answered this once (only its digest is kept)' })
  @ApiJsonBody(KeyRequest)
  @ApiAnswer(201, 'The key, shown once', CreatedKey)
  @ApiError(400, errorExample(() => parseBody(KeyRequest, { name: 'ci', scopes: ['jobs:everything'] }, { what: 'key' })), badProject)
  @ApiError(404, otherProject)
  create(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Body() body: unknown) {
    return this.keys.create(caller, projectId, body);
  }

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: "The project's keys: names, prefixes, scopes, created and last used times (never the keys)" })
  @ApiAnswer(200, 'The keys', KeyList)
  @ApiError(400, badProject)
  @ApiError(404, otherProject)
  list(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string) {
    return this.keys.list(caller, projectId);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @AdminOnly()
  @ApiOperation({ summary: 'Revoke a key: refused at once by this instance, within HERALD_KEY_CACHE_MS (2 s) by every other' })
  @ApiAnswer(204, 'Revoked')
  @ApiError(400, badProject)
  @ApiError(404, errorExample(keyNotFound(KEY)), otherProject)
  async revoke(@CurrentCaller() caller: Caller, @Param('projectId') projectId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.keys.revoke(caller, projectId, keyId);
  }
}
