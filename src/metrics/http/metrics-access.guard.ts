import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { UNAUTHORIZED_BODY } from '../../auth/api-keys';
import { Callers } from '../../auth/callers.service';
import { bearerToken, keyDigest } from '../../auth/domain/api-key-format';
import { assertAccess } from '../../auth/domain/caller';
import { HERALD_CONFIG, type HeraldConfig } from '../../config/config';

/**
 * Who may read GET /metrics: HERALD_METRICS_TOKEN (compared in constant time, by its SHA-256
 * digest) or an admin key; a project key is 403 FORBIDDEN_SCOPE, no valid key 401, and with no
 * admin key configured it is open like every other route. The key middleware lets /metrics
 * through (public-routes.ts) so that the metrics token, which is no API key, reaches this guard.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly token?: Buffer;

  constructor(
    private readonly callers: Callers,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.token = config.metricsToken ? keyDigest(config.metricsToken) : undefined;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const authorization = ctx.switchToHttp().getRequest<Request>().header('authorization');
    const given = bearerToken(authorization);
    if (this.token && given !== undefined && timingSafeEqual(this.token, keyDigest(given))) return true;
    const caller = await this.callers.resolve(authorization);
    if (!caller) throw new UnauthorizedException(UNAUTHORIZED_BODY.error);
    assertAccess(caller, 'admin');
    return true;
  }
}
