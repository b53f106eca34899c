import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueuesService } from '../queues.service';

@ApiTags('queues')
@Controller('api/v1/queues/:queueName')
export class QueueSettingsController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOperation({ summary: 'Retry and lease settings of a queue' })
  get(@Param('queueName') queueName: string) {
    return this.queues.settings(queueName);
  }

  @Put()
  @ApiOperation({ summary: 'Set retry limit, retry delay/backoff and default lease of a queue (applies to new requests)' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        retryLimit: { type: 'integer', minimum: 0, maximum: 100, default: 3 },
        leaseSeconds: { type: 'number', default: 30 },
        retryDelaySeconds: { type: 'number', default: 0 },
        retryBackoff: { type: 'boolean', default: false },
      },
    },
  })
  put(@Param('queueName') queueName: string, @Body() body: unknown) {
    return this.queues.saveSettings(queueName, body);
  }
}
