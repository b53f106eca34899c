import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LookupRefused, type LookupGate } from '../auth/callers.service';
import type { Caller } from '../auth/domain/caller';
import type { StreamTokenResolver } from '../auth/stream-token-access';
import { Clock } from '../common/clock';
import { Db } from '../database/db';
import { JobQueries } from '../jobs/job-queries.service';
import { isWellFormedStreamToken, newStreamToken, STREAM_TOKEN_TTL_MS, streamTokenDigest } from './domain/stream-token';
import { StreamsRepository } from './infrastructure/streams.repository';

/**
 * Tokens for one job's status stream (`?token=`), for browsers' EventSource. Kept as digests in
 * `stream_tokens` rather than signed: every instance checks them with no secret to share, and a
 * token dies with the project key that asked for it. The access middleware (src/auth) accepts
 * one on that route only, for that job only.
 */
@Injectable()
export class StreamTokens implements StreamTokenResolver {
  constructor(
    private readonly db: Db,
    private readonly repo: StreamsRepository,
    private readonly clock: Clock,
    private readonly jobs: JobQueries,
  ) {}

  /** POST /api/v1/exec/status/{jobId}/stream-token: the job must be one the caller reads (else the same 404 as GET status). */
  async issue(caller: Caller, jobId: string): Promise<{ token: string; expiresAt: string }> {
    const job = await this.jobs.summaryFor(caller, jobId);
    const token = newStreamToken(randomBytes(32));
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + STREAM_TOKEN_TTL_MS);
    const grant = caller.kind === 'project' ? { projectId: caller.projectId, keyId: caller.keyId } : { projectId: job.projectId ?? null, keyId: null };
    await this.repo.insertToken(this.db, { digest: streamTokenDigest(token), jobId, ...grant }, now, expiresAt);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The caller a token stands for on the job's status stream: the project key that asked for it
   * with `jobs:read` alone, or an admin's; undefined when it is not a live token for this job.
   */
  async resolve(jobId: string, token: string, gate?: LookupGate): Promise<Caller | undefined> {
    if (!isWellFormedStreamToken(token)) return undefined;
    const wait = await gate?.wait();
    if (wait !== undefined) throw new LookupRefused(wait);
    const grant = await this.repo.tokenFor(this.db, streamTokenDigest(token), jobId, this.clock.now());
    if (!grant) {
      await gate?.missed();
      return undefined;
    }
    if (grant.keyId !== null && grant.projectId !== null) return { kind: 'project', projectId: grant.projectId, keyId: grant.keyId, scopes: ['jobs:read'] };
    return { kind: 'admin', via: 'key' };
  }
}
