import { Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { assertProjectVisible, projectOf, type Caller } from '../auth/domain/caller';
import { Db } from '../database/db';
import { batchScopeId, type Subscription } from '../webhooks/domain/subscription.types';
import { ChannelTester } from '../webhooks/channel-tester.service';
import { parseBody } from '../common/zod-validation';
import { assertGroupId, mask, UUID, type ChannelInput } from './domain/project-webhooks';
import { ChannelPatch, ChannelRequest, ProjectWebhookRequest, RoutingRequest } from './http/projects.schemas';
import { projectListPage, type ProjectListPage } from './domain/project-list';
import { ProjectListRepository } from './infrastructure/project-list.repository';
import { ProjectsRepository } from './infrastructure/projects.repository';
import { TargetCheck } from '../webhooks/target-check.service';
import { ProjectLimitsService } from '../limits/limits.service';

const webhookNotFound = (what: string) => new NotFoundError('WEBHOOK_NOT_FOUND', `${what} has no webhook`);
const channelNotFound = (id: string) => new NotFoundError('CHANNEL_NOT_FOUND', `channel ${id} does not exist in this project`);

/** Seed 003's project / batch webhooks and seed 002's channels and routings. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly db: Db,
    private readonly repo: ProjectsRepository,
    private readonly tester: ChannelTester,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly targets: TargetCheck,
    private readonly limits: ProjectLimitsService,
    private readonly listing: ProjectListRepository,
  ) {}

  /** GET /api/v1/projects: an admin every project something names, a project key its own; by id, paged. */
  async list(caller: Caller, query: { limit: number; cursor?: string }): Promise<ProjectListPage> {
    const { rows, more } = await this.listing.list(this.db, { after: query.cursor ?? '', limit: query.limit, projectId: projectOf(caller) });
    return projectListPage(rows, more);
  }

  /** The project of a path, as the caller may reach it (another project's is 404 whatever it holds), then its id checked. */
  private project(caller: Caller, projectId: string): void {
    assertProjectVisible(caller, projectId);
    assertGroupId(projectId, 'projectId');
  }

  private scope(caller: Caller, projectId: string, batchId?: string): { scope: 'project' | 'batch'; scopeId: string; label: string } {
    this.project(caller, projectId);
    if (batchId === undefined) return { scope: 'project', scopeId: projectId, label: `project ${projectId}` };
    assertGroupId(batchId, 'batchId');
    return { scope: 'batch', scopeId: batchScopeId(projectId, batchId), label: `batch ${batchId} of project ${projectId}` };
  }

  async getWebhook(caller: Caller, projectId: string, batchId?: string) {
    const s = this.scope(caller, projectId, batchId);
    const hook = await this.repo.scoped(this.db, s.scope, s.scopeId);
    if (!hook) throw webhookNotFound(s.label);
    return {
      url: hook.url,
      header: mask(hook.header),
      updatedAt: hook.updatedAt,
      lastCall: hook.lastCall ?? null,
      lastError: hook.lastError ?? null,
      status: hook.status,
      disabledReason: hook.disabledReason,
      disabledAt: hook.disabledAt,
      skippedEvents: hook.skippedEvents,
      failingSince: hook.failingSince,
    };
  }

  async putWebhook(caller: Caller, projectId: string, batchId: string | undefined, body: unknown) {
    const s = this.scope(caller, projectId, batchId);
    const { url, header = null } = parseBody(ProjectWebhookRequest, body, { what: 'webhook' });
    await this.targets.assertAllowed([{ path: 'url', url }]);
    await this.db.tx(async (tx) => {
      await this.limits.assertSubscriptionRoom(tx, projectId, async () => !(await this.repo.scoped(tx, s.scope, s.scopeId)));
      await this.repo.upsertScoped(tx, this.ids.newId(), s.scope, s.scopeId, url, header, this.clock.now());
    });
    return this.getWebhook(caller, projectId, batchId);
  }

  async deleteWebhook(caller: Caller, projectId: string, batchId?: string): Promise<void> {
    const s = this.scope(caller, projectId, batchId);
    if (!(await this.repo.deleteScoped(this.db, s.scope, s.scopeId, this.clock.now()))) throw webhookNotFound(s.label);
  }

  // ------------------------------------------------------------ channels

  async createChannel(caller: Caller, projectId: string, body: unknown) {
    this.project(caller, projectId);
    const input = parseBody(ChannelRequest, body, { what: 'channel' });
    await this.targets.assertAllowed([{ path: 'url', url: input.url }]);
    const id = this.ids.newId();
    await this.db.tx(async (tx) => {
      await this.limits.assertSubscriptionRoom(tx, projectId);
      await this.repo.insertChannel(tx, { id, projectId, name: input.name, url: input.url, headers: input.headers ?? {}, secret: input.secret ?? null }, this.clock.now());
    });
    return this.getChannel(caller, projectId, id);
  }

  async listChannels(caller: Caller, projectId: string) {
    this.project(caller, projectId);
    return { channels: (await this.repo.channels(this.db, projectId)).map(channelView) };
  }

  private async channel(caller: Caller, projectId: string, id: string): Promise<Subscription> {
    this.project(caller, projectId);
    const found = UUID.test(id) ? await this.repo.channel(this.db, projectId, id.toLowerCase()) : undefined;
    if (!found) throw channelNotFound(id);
    return found;
  }

  async getChannel(caller: Caller, projectId: string, id: string) {
    return channelView(await this.channel(caller, projectId, id));
  }

  async patchChannel(caller: Caller, projectId: string, id: string, body: unknown) {
    const found = await this.channel(caller, projectId, id);
    const input: ChannelInput = parseBody(ChannelPatch, body, { what: 'channel' });
    await this.targets.assertAllowed([{ path: 'url', url: input.url }]);
    await this.repo.updateChannel(this.db, found.id, input, this.clock.now());
    return this.getChannel(caller, projectId, found.id);
  }

  async deleteChannel(caller: Caller, projectId: string, id: string): Promise<void> {
    const found = await this.channel(caller, projectId, id);
    await this.db.tx((tx) => this.repo.deleteChannel(tx, found.id, this.clock.now()));
  }

  /** `traceparent`: the request's span (tracing on), the test's span's parent. */
  async testChannel(caller: Caller, projectId: string, id: string, traceparent?: string) {
    return this.tester.test(await this.channel(caller, projectId, id), traceparent);
  }

  // ------------------------------------------------------------ routings

  async createRouting(caller: Caller, projectId: string, body: unknown) {
    this.project(caller, projectId);
    const { event, channelId } = parseBody(RoutingRequest, body, { what: 'routing' });
    // channelId is part of the body: one that is not a channel of this project makes the body invalid (400).
    if (!(await this.repo.channel(this.db, projectId, channelId))) {
      throw new ValidationError(`invalid routing: channelId ${channelId} is not a channel of project ${projectId}`, [{ path: 'channelId', message: 'must be the id of a channel of this project' }]);
    }
    return this.db.tx((tx) => this.repo.insertRouting(tx, { id: this.ids.newId(), projectId, event, channelId }, this.clock.now()));
  }

  async listRoutings(caller: Caller, projectId: string) {
    this.project(caller, projectId);
    return { routings: await this.repo.routings(this.db, projectId) };
  }

  async deleteRouting(caller: Caller, projectId: string, id: string): Promise<void> {
    this.project(caller, projectId);
    const deleted = UUID.test(id) && (await this.db.tx((tx) => this.repo.deleteRouting(tx, projectId, id.toLowerCase())));
    if (!deleted) throw new NotFoundError('ROUTING_NOT_FOUND', `routing ${id} does not exist in this project`);
  }
}

/** A channel as the API shows it: header values masked, the secret never shown. */
function channelView(s: Subscription) {
  return {
    id: s.id,
    projectId: s.scopeId,
    name: s.name ?? null,
    url: s.url,
    headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, mask(v)])),
    hasSecret: s.secret !== null,
    events: s.eventTypes ?? [],
    status: s.status,
  };
}
