import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveriesService } from '../deliveries.service';

@ApiTags('deliveries')
@Controller('api/v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'Webhook messages (filters: jobId, status)' })
  list(@Query() query: { jobId?: string; status?: string; limit?: string }) {
    return this.deliveries.list(query);
  }

  @Get('deliveries/:id')
  @ApiOperation({ summary: 'One webhook message with every attempt' })
  get(@Param('id') id: string) {
    return this.deliveries.get(id);
  }

  @Post('deliveries/recover')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-enqueue every message that failed for good since a time' })
  @ApiBody({ schema: { type: 'object', required: ['since'], properties: { since: { type: 'string', format: 'date-time' }, jobId: { type: 'string' } } } })
  recover(@Body() body: unknown) {
    return this.deliveries.recover(body);
  }

  @Post('deliveries/:id/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attempt one message again now' })
  resend(@Param('id') id: string) {
    return this.deliveries.resend(id);
  }

  @Get('webhooks/status/:jobId')
  @ApiOperation({ summary: 'Latest progress webhook delivery of a job' })
  status(@Param('jobId') jobId: string) {
    return this.deliveries.record(jobId, 'progress');
  }

  @Get('webhooks/results/:jobId')
  @ApiOperation({ summary: 'Result webhook delivery of a job' })
  results(@Param('jobId') jobId: string) {
    return this.deliveries.record(jobId, 'result');
  }

  @Get('webhooks/list/:jobId')
  @ApiOperation({ summary: 'Progress and result webhook deliveries of a job' })
  list2(@Param('jobId') jobId: string) {
    return this.deliveries.records(jobId);
  }
}
