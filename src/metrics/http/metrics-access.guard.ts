import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { UNAUTHORIZED_BODY } from '../../auth/api-keys';
import { Callers, LookupRefused } from '../../auth/callers.service';
import { bearerToken, keyDigest } from '../../auth/domain/api-key-format';
import { assertAccess } from '../../auth/domain/caller';
import { HERALD_CONFIG, type HeraldConfig } from '../../config/config';
import { unknownKeysLimited } from '../../limits/domain/project-limits';
import { ProjectLimitsService } from '../../limits/limits.service';

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
    private readonly limits: ProjectLimitsService,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.token = config.metricsToken ? keyDigest(config.metricsToken) : undefined;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const authorization = req.header('authorization');
    const given = bearerToken(authorization);
    if (this.token && given !== undefined && timingSafeEqual(this.token, keyDigest(given))) return true;
    // Unknown project keys cost a lookup each: throttled per address as on every other route.
    let caller;
    try {
      caller = await this.callers.resolve(authorization, this.limits.gateFor(req.ip));
    } catch (err) {
      if (err instanceof LookupRefused) throw unknownKeysLimited(err.retryAfterMs);
      throw err;
    }
    if (!caller) throw new UnauthorizedException(UNAUTHORIZED_BODY.error);
    assertAccess(caller, 'admin');
    return true;
  }
}
