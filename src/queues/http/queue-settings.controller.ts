import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiJsonBody, errorExample } from '../../common/openapi';
import { parseBody } from '../../common/zod-validation';
import { assertQueueName } from '../domain/queue-request';
import { QueuesService } from '../queues.service';
import { AdminOnly, RequireScope } from '../../auth/route-access.decorator';
import { QueueSettings, QueueSettingsRequest } from './queues.schemas';

const badName = errorExample(() => assertQueueName('-bad name'));

@ApiTags('queues')
@Controller('api/v1/queues/:queueName')
export class QueueSettingsController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOperation({ summary: 'Retry and lease settings of a queue' })
  @ApiAnswer(200, "The queue's settings (the defaults until set)", QueueSettings)
  @ApiError(400, badName)
  @RequireScope('jobs:read')
  get(@Param('queueName') queueName: string) {
    return this.queues.settings(queueName);
  }

  @Put()
  @ApiOperation({ summary: "Set retry limit, retry delay/backoff and default lease of a queue (applies to new requests, every project's: admin keys only)" })
  @AdminOnly()
  @ApiJsonBody(QueueSettingsRequest)
  @ApiAnswer(200, 'The settings now in force', QueueSettings)
  @ApiError(400, errorExample(() => parseBody(QueueSettingsRequest, { retryLimit: 101 }, { what: 'queue settings' })), badName)
  put(@Param('queueName') queueName: string, @Body() body: unknown) {
    return this.queues.saveSettings(queueName, body);
  }
}
