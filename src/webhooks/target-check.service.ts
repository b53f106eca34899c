import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/domain-error';
import { TARGET_NOT_ALLOWED } from './domain/egress-policy';
import { EgressGuard } from './infrastructure/egress-guard';

/**
 * Creation-time check of webhook and stage targets: a URL whose host is a refused address, or a
 * name that resolves to one now, is a 400 TARGET_NOT_ALLOWED naming the field. The guard at
 * connect time still checks every request (names can change what they resolve to).
 */
@Injectable()
export class TargetCheck {
  constructor(private readonly guard: EgressGuard) {}

  async assertAllowed(targets: Array<{ path: string; url: string | undefined }>): Promise<void> {
    if (!this.guard.policy.guarded) return;
    const checked = await Promise.all(targets.filter((t) => t.url).map(async (t) => ({ path: t.path, refused: await this.guard.check(t.url!) })));
    const problems = checked.flatMap((c) => (c.refused ? [{ path: c.path, message: c.refused.message }] : []));
    if (problems.length) throw new ValidationError(`${problems[0].path}: ${problems[0].message}`, problems, TARGET_NOT_ALLOWED);
  }
}
