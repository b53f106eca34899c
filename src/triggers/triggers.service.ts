import { Injectable } from '@nestjs/common';
import { ApiKeys, UNAUTHORIZED_BODY } from '../auth/api-keys';
import { DomainError, ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { decideSubmit } from '../jobs/domain/job.decide';
import type { PipelineSpec } from '../jobs/domain/pipeline.types';
import { JobStore, type CommandMeta } from '../jobs/job-store.service';
import { jsonPathValues } from '../stages/domain/json-path';
import { runSpec, validateStoredPipeline, type StoredPipeline } from './domain/stored-pipeline';
import { verifySignature } from './domain/trigger-signature';
import { TriggersRepository } from './infrastructure/triggers.repository';
import { TargetCheck } from '../webhooks/target-check.service';
import { pipelineTargets } from '../jobs/domain/pipeline-targets';
import { validatePipelineRequest } from '../jobs/domain/pipeline.validate';

const notFound = (name: string) => new NotFoundError('PIPELINE_NOT_FOUND', `stored pipeline ${name} does not exist`);

/** Stored pipelines, runs of them by name, and webhook triggers. */
@Injectable()
export class TriggersService {
  constructor(
    private readonly store: JobStore,
    private readonly repo: TriggersRepository,
    private readonly keys: ApiKeys,
    private readonly targets: TargetCheck,
  ) {}

  async create(body: unknown): Promise<StoredPipeline> {
    const p = validateStoredPipeline(body);
    await this.targets.assertAllowed(pipelineTargets(validatePipelineRequest(p.definition)));
    if (!(await this.repo.insert(this.store.db, p, this.store.context().now))) {
      throw new ConflictError('PIPELINE_EXISTS', `stored pipeline ${p.name} exists already (PUT replaces it)`, { name: p.name });
    }
    return this.get(p.name);
  }

  async replace(name: string, body: unknown): Promise<StoredPipeline> {
    const p = validateStoredPipeline(body, name);
    await this.targets.assertAllowed(pipelineTargets(validatePipelineRequest(p.definition)));
    if (!(await this.repo.update(this.store.db, p, this.store.context().now))) throw notFound(name);
    return this.get(name);
  }

  async get(name: string): Promise<StoredPipeline> {
    const p = await this.repo.get(this.store.db, name);
    if (!p) throw notFound(name);
    return view(p);
  }

  async list(): Promise<{ pipelines: StoredPipeline[] }> {
    return { pipelines: (await this.repo.list(this.store.db)).map(view) };
  }

  async delete(name: string): Promise<void> {
    if (!(await this.repo.delete(this.store.db, name))) throw notFound(name);
  }

  async run(name: string, run: { flowInput?: unknown; options?: unknown }, meta: CommandMeta): Promise<{ jobId: string }> {
    const stored = await this.repo.get(this.store.db, name);
    if (!stored) throw notFound(name);
    const spec = runSpec(stored, run);
    await this.targets.assertAllowed(pipelineTargets(spec));
    return { jobId: await this.submit(spec, meta) };
  }

  /**
   * A webhook trigger: checks the signature when the trigger has a secret, takes flowInput from
   * the body, and starts a run, once per webhook-id within 24 h.
   */
  async trigger(name: string, body: unknown, rawBody: string, header: (name: string) => string | undefined, meta: CommandMeta): Promise<{ jobId: string }> {
    const stored = await this.repo.get(this.store.db, name);
    const trigger = stored?.triggers?.webhook;
    // Without a secret the caller needs the API key (when keys are set); a caller without one
    // learns nothing about which names exist.
    if (!trigger?.secret && !this.keys.accepts(header('authorization'))) {
      throw new DomainError(UNAUTHORIZED_BODY.error.code, UNAUTHORIZED_BODY.error.message, 401);
    }
    if (!stored || !trigger) throw new NotFoundError('PIPELINE_NOT_FOUND', `no stored pipeline ${name} with a webhook trigger`);
    const now = this.store.context().now;
    let webhookId = header('webhook-id');
    if (trigger.secret) {
      const verified = verifySignature(trigger.secret, header, rawBody, now);
      if (!verified.ok) throw new DomainError('UNAUTHORIZED', `webhook signature rejected: ${verified.reason}`, 401);
      webhookId = verified.id;
    }
    const flowInput = trigger.flowInputPath !== undefined ? jsonPathValues(trigger.flowInputPath, body)[0] : body;
    if (typeof flowInput !== 'object' || flowInput === null || Array.isArray(flowInput)) {
      throw new ValidationError(`the webhook body${trigger.flowInputPath ? ` at ${trigger.flowInputPath}` : ''} must be a JSON object (it becomes flowInput)`, [
        { path: trigger.flowInputPath ?? '', message: 'must be an object' },
      ]);
    }
    const spec = runSpec(stored, { flowInput });
    const triggerMeta: CommandMeta = { ...meta, actor: `trigger:webhook:${name}`, ...(webhookId ? { causationId: webhookId.slice(0, 200) } : {}) };
    return { jobId: await this.submit(spec, triggerMeta, webhookId ? { pipeline: name, webhookId: webhookId.slice(0, 200) } : undefined) };
  }

  /** Submits like exec/raw; with a receipt, only when this request owns its webhook-id. */
  private async submit(spec: PipelineSpec, meta: CommandMeta, receipt?: { pipeline: string; webhookId: string }): Promise<string> {
    const ctx = this.store.context();
    const jobId = `${spec.name}:${ctx.newId()}`;
    const events = decideSubmit(spec, jobId, ctx);
    return this.store.db.tx(async (tx) => {
      if (receipt) {
        const first = await this.repo.claimReceipt(tx, receipt.pipeline, receipt.webhookId, jobId, ctx.now);
        if (first) return first;
      }
      await this.store.commit(tx, undefined, events, ctx, meta);
      return jobId;
    });
  }
}

function view(p: StoredPipeline): StoredPipeline {
  // Secrets are never shown back.
  const webhook = p.triggers?.webhook;
  if (!webhook) return p;
  const { secret, ...rest } = webhook;
  return { ...p, triggers: { ...p.triggers, webhook: { ...rest, ...(secret ? { secret: 'whsec_…' } : {}) } } };
}
