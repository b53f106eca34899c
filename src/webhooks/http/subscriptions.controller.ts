import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SubscriptionsService } from '../subscriptions.service';

@ApiTags('subscriptions')
@Controller('api/v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Every subscription Herald would deliver to (filters: projectId, jobId, status=active|disabled), with last call / last error, counts (skipped: events it missed while disabled) and its endpoint\'s health',
  })
  list(@Query() query: { projectId?: string; jobId?: string; status?: string; limit?: string }) {
    return this.subscriptions.list(query);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the old one also signs for 24 h (two v1 signatures)' })
  rotate(@Param('id') id: string) {
    return this.subscriptions.rotateSecret(id);
  }
}
