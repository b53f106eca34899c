import { Injectable } from '@nestjs/common';
import { UNAUTHORIZED_BODY } from '../auth/api-keys';
import { Callers } from '../auth/callers.service';
import { projectForWrite, projectOf, type Caller } from '../auth/domain/caller';
import { DomainError, ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { decideSubmit } from '../jobs/domain/job.decide';
import { withProject, type PipelineSpec } from '../jobs/domain/pipeline.types';
import { JobStore, type CommandMeta } from '../jobs/job-store.service';
import { jsonPathValues } from '../stages/domain/json-path';
import { runSpec, storedPipelineView, validateStoredPipeline, type StoredPipeline } from './domain/stored-pipeline';
import { verifySignature } from './domain/trigger-signature';
import { TriggersRepository } from './infrastructure/triggers.repository';
import { TargetCheck } from '../webhooks/target-check.service';
import { pipelineTargets } from '../jobs/domain/pipeline-targets';
import { validatePipelineRequest } from '../jobs/domain/pipeline.validate';

const notFound = (name: string) => new NotFoundError('PIPELINE_NOT_FOUND', `stored pipeline ${name} does not exist`);
const unauthorized = () => new DomainError(UNAUTHORIZED_BODY.error.code, UNAUTHORIZED_BODY.error.message, 401);

/**
 * Stored pipelines, runs of them by name, and webhook triggers. Names are per project: a project
 * key reads and writes its project's pipelines (another project's name is PIPELINE_NOT_FOUND, and
 * taking a name another project uses is no conflict); an admin key, Herald's own, and lists all.
 */
@Injectable()
export class TriggersService {
  constructor(
    private readonly store: JobStore,
    private readonly repo: TriggersRepository,
    private readonly callers: Callers,
    private readonly targets: TargetCheck,
  ) {}

  /** The pipeline's definition must name no other project than the key's (its runs are that project's jobs). */
  private validated(caller: Caller, body: unknown, name?: string): StoredPipeline {
    const p = validateStoredPipeline(body, name);
    const projectId = p.definition.projectId;
    projectForWrite(caller, typeof projectId === 'string' ? projectId : undefined, 'projectId');
    return p;
  }

  /** A project key creates in its project; an admin key in Herald's own namespace. */
  async create(caller: Caller, body: unknown): Promise<StoredPipeline> {
    const p = this.validated(caller, body);
    await this.targets.assertAllowed(pipelineTargets(validatePipelineRequest(p.definition)));
    if (!(await this.repo.insert(this.store.db, projectOf(caller), p, this.store.context().now))) {
      throw new ConflictError('PIPELINE_EXISTS', `stored pipeline ${p.name} exists already (PUT replaces it)`, { name: p.name });
    }
    return this.get(caller, p.name, undefined);
  }

  /** `project` (?projectId=): an admin key may address a project's pipelines; a project key's are its own. */
  async replace(caller: Caller, name: string, project: string | undefined, body: unknown): Promise<StoredPipeline> {
    const p = this.validated(caller, body, name);
    await this.targets.assertAllowed(pipelineTargets(validatePipelineRequest(p.definition)));
    if (!(await this.repo.update(this.store.db, namespaceOf(caller, project), p, this.store.context().now))) throw notFound(name);
    return this.get(caller, name, project);
  }

  async get(caller: Caller, name: string, project: string | undefined): Promise<StoredPipeline> {
    const p = await this.repo.get(this.store.db, namespaceOf(caller, project), name);
    if (!p) throw notFound(name);
    return storedPipelineView(p);
  }

  /** An admin lists every project's (or, with `projectId`, one project's); a project key its own. */
  async list(caller: Caller, query: { projectId?: string }): Promise<{ pipelines: StoredPipeline[] }> {
    const own = projectOf(caller);
    if (own !== null && query.projectId !== undefined && query.projectId !== own) return { pipelines: [] };
    const all = await this.repo.list(this.store.db, own ?? query.projectId ?? null);
    return { pipelines: all.map(storedPipelineView) };
  }

  async delete(caller: Caller, name: string, project: string | undefined): Promise<void> {
    if (!(await this.repo.delete(this.store.db, namespaceOf(caller, project), name))) throw notFound(name);
  }

  async run(caller: Caller, name: string, project: string | undefined, run: { flowInput?: unknown; options?: unknown }, meta: CommandMeta): Promise<{ jobId: string }> {
    const stored = await this.repo.get(this.store.db, namespaceOf(caller, project), name);
    if (!stored) throw notFound(name);
    const spec = specOf(stored, run);
    await this.targets.assertAllowed(pipelineTargets(spec));
    return { jobId: await this.submit(spec, meta) };
  }

  /**
   * A webhook trigger (`project`: the project of the path, null for Herald's own pipelines):
   * checks the signature when the trigger has a secret, else needs a key that may run the
   * pipeline (an admin key, or a key of that project with jobs:write); takes flowInput from the
   * body, and starts a run, once per webhook-id within 24 h.
   */
  async trigger(project: string | null, name: string, body: unknown, rawBody: string, header: (name: string) => string | undefined, meta: CommandMeta): Promise<{ jobId: string }> {
    const stored = await this.repo.get(this.store.db, project, name);
    const trigger = stored?.triggers?.webhook;
    // Without a secret the caller needs a key that reaches this pipeline; a caller without one
    // learns nothing about which names exist.
    if (!trigger?.secret && !mayRun(await this.callers.resolve(header('authorization')), project)) throw unauthorized();
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
    const spec = specOf(stored, { flowInput });
    const triggerMeta: CommandMeta = { ...meta, actor: `trigger:webhook:${name}`, ...(webhookId ? { causationId: webhookId.slice(0, 200) } : {}) };
    return { jobId: await this.submit(spec, triggerMeta, webhookId ? { project, pipeline: name, webhookId: webhookId.slice(0, 200) } : undefined) };
  }

  /** Submits like exec/raw; with a receipt, only when this request owns its webhook-id. */
  private async submit(spec: PipelineSpec, meta: CommandMeta, receipt?: { project: string | null; pipeline: string; webhookId: string }): Promise<string> {
    const ctx = this.store.context();
    const jobId = `${spec.name}:${ctx.newId()}`;
    const events = decideSubmit(spec, jobId, ctx);
    return this.store.db.tx(async (tx) => {
      if (receipt) {
        const first = await this.repo.claimReceipt(tx, receipt.project, receipt.pipeline, receipt.webhookId, jobId, ctx.now);
        if (first) return first;
      }
      await this.store.commit(tx, undefined, events, ctx, meta);
      return jobId;
    });
  }
}

/** A run's spec: a project's pipeline runs as that project's job. */
function specOf(stored: StoredPipeline, run: { flowInput?: unknown; options?: unknown }): PipelineSpec {
  const spec = runSpec(stored, run);
  return stored.projectId !== undefined ? withProject(spec, stored.projectId) : spec;
}

/** Whose pipelines a request addresses: a project key its own (a projectId must be it, else 400); an admin Herald's own, or the project it names. */
function namespaceOf(caller: Caller, project: string | undefined): string | null {
  return projectForWrite(caller, project, 'projectId') ?? null;
}

function mayRun(caller: Caller | undefined, project: string | null): boolean {
  if (!caller) return false;
  if (caller.kind === 'admin') return true;
  return caller.projectId === project && caller.scopes.includes('jobs:write');
}
