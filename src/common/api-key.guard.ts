import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** With HERALD_API_KEYS set, every /api and /queue route needs `Authorization: Bearer <key>`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(@Inject(HERALD_CONFIG) config: HeraldConfig) {
    this.keys = config.apiKeys.map(digest);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!req.path.startsWith('/api/') && !req.path.startsWith('/queue/')) return true;
    const match = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
    const given = match ? digest(match[1].trim()) : undefined;
    if (given && this.keys.some((k) => timingSafeEqual(k, given))) return true;
    throw new UnauthorizedException({ code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' });
  }
}
