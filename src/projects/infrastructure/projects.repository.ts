import type { Sql } from '../../database/db';
import { SUB_COLUMNS, toSubscription, type SubscriptionRow } from '../../webhooks/infrastructure/subscription-rows';
import type { Subscription } from '../../webhooks/domain/subscription.types';

export interface ScopedWebhook {
  id: string;
  url: string;
  header: string | null;
  updatedAt: string;
  lastCall: unknown;
  lastError: unknown;
  /** disabled: its endpoint answered 410 Gone (disabledReason); a PUT turns it on again. */
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: string | null;
  /** Events it would have been called for while disabled. */
  skippedEvents: number;
  /** Every attempt has failed since (auto-disable's streak); null after a 2xx, or once it was PUT again. */
  failingSince: string | null;
}

export interface Routing {
  id: string;
  projectId: string;
  event: string;
  channelId: string;
  createdAt: string;
}

/** SQL of project and batch webhooks, channels and routings (subscriptions with a scope). */
export class ProjectsRepository {
  async scoped(sql: Sql, scope: 'project' | 'batch', scopeId: string): Promise<ScopedWebhook | undefined> {
    const rows = await sql.query<{
      id: string; url: string; headers: Record<string, string>; updated_at: Date; last_call: unknown; last_error: unknown;
      status: 'active' | 'disabled'; disabled_reason: string | null; disabled_at: Date | null; skipped_events: string; failing_since: Date | null;
    }>(
      `SELECT id, url, headers, updated_at, last_call, last_error, status, disabled_reason, disabled_at, skipped_events, failing_since FROM webhook_subscriptions
        WHERE scope = $1 AND scope_id = $2 AND status <> 'deleted'`,
      [scope, scopeId],
    );
    const r = rows[0];
    return r && {
      id: r.id, url: r.url, header: r.headers.Authorization ?? null, updatedAt: r.updated_at.toISOString(), lastCall: r.last_call, lastError: r.last_error,
      status: r.status, disabledReason: r.disabled_reason, disabledAt: r.disabled_at?.toISOString() ?? null, skippedEvents: Number(r.skipped_events),
      failingSince: r.failing_since?.toISOString() ?? null,
    };
  }

  /** Creates or updates in place (same subscription: the delivery history and last call stay). */
  async upsertScoped(sql: Sql, id: string, scope: 'project' | 'batch', scopeId: string, url: string, header: string | null, at: Date): Promise<void> {
    await sql.query(
      `INSERT INTO webhook_subscriptions (id, scope, scope_id, url, headers, format, min_level, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'project.task', 'trace', 'active', $6, $6)
       ON CONFLICT (scope, scope_id) WHERE scope IN ('project', 'batch')
       DO UPDATE SET url = excluded.url, headers = excluded.headers, status = 'active', disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = excluded.updated_at`,
      [id, scope, scopeId, url, JSON.stringify(header ? { Authorization: header } : {}), at],
    );
  }

  async deleteScoped(sql: Sql, scope: 'project' | 'batch', scopeId: string, at: Date): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE webhook_subscriptions SET status = 'deleted', updated_at = $3
        WHERE scope = $1 AND scope_id = $2 AND status <> 'deleted' RETURNING 1`,
      [scope, scopeId, at],
    );
    return rows.length > 0;
  }

  async insertChannel(sql: Sql, c: { id: string; projectId: string; name: string; url: string; headers: Record<string, string>; secret: string | null }, at: Date): Promise<void> {
    await sql.query(
      `INSERT INTO webhook_subscriptions (id, scope, scope_id, name, url, headers, secret, format, event_types, min_level, status, created_at, updated_at)
       VALUES ($1, 'channel', $2, $3, $4, $5, $6, 'notification', '{}', 'trace', 'active', $7, $7)`,
      [c.id, c.projectId, c.name, c.url, JSON.stringify(c.headers), c.secret, at],
    );
  }

  async channels(sql: Sql, projectId: string): Promise<Subscription[]> {
    const rows = await sql.query<SubscriptionRow>(
      `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
        WHERE s.scope = 'channel' AND s.scope_id = $1 AND s.status <> 'deleted' ORDER BY s.created_at, s.id`,
      [projectId],
    );
    return rows.map(toSubscription);
  }

  async channel(sql: Sql, projectId: string, id: string): Promise<Subscription | undefined> {
    const rows = await sql.query<SubscriptionRow>(
      `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
        WHERE s.scope = 'channel' AND s.scope_id = $1 AND s.id = $2 AND s.status <> 'deleted'`,
      [projectId, id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async updateChannel(sql: Sql, id: string, change: { name?: string; url?: string; headers?: Record<string, string>; secret?: string }, at: Date): Promise<void> {
    await sql.query(
      `UPDATE webhook_subscriptions SET
          name = coalesce($2, name), url = coalesce($3, url), headers = coalesce($4::jsonb, headers),
          secret = coalesce($5, secret), status = CASE WHEN $3::text IS NULL THEN status ELSE 'active' END, updated_at = $6
        WHERE id = $1`,
      [id, change.name ?? null, change.url ?? null, change.headers ? JSON.stringify(change.headers) : null, change.secret ?? null, at],
    );
  }

  async deleteChannel(sql: Sql, id: string, at: Date): Promise<void> {
    await sql.query(`DELETE FROM notification_routings WHERE channel_id = $1`, [id]);
    await sql.query(`UPDATE webhook_subscriptions SET status = 'deleted', event_types = '{}', updated_at = $2 WHERE id = $1`, [id, at]);
  }

  async insertRouting(sql: Sql, r: { id: string; projectId: string; event: string; channelId: string }, at: Date): Promise<Routing> {
    const rows = await sql.query<{ id: string; created_at: Date }>(
      `INSERT INTO notification_routings (id, project_id, event, channel_id, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (project_id, event, channel_id) DO UPDATE SET project_id = excluded.project_id
       RETURNING id, created_at`,
      [r.id, r.projectId, r.event, r.channelId, at],
    );
    await this.syncChannelEvents(sql, r.channelId);
    return { id: rows[0].id, projectId: r.projectId, event: r.event, channelId: r.channelId, createdAt: rows[0].created_at.toISOString() };
  }

  async routings(sql: Sql, projectId: string): Promise<Routing[]> {
    const rows = await sql.query<{ id: string; event: string; channel_id: string; created_at: Date }>(
      `SELECT id, event, channel_id, created_at FROM notification_routings WHERE project_id = $1 ORDER BY created_at, id`,
      [projectId],
    );
    return rows.map((r) => ({ id: r.id, projectId, event: r.event, channelId: r.channel_id, createdAt: r.created_at.toISOString() }));
  }

  async deleteRouting(sql: Sql, projectId: string, id: string): Promise<boolean> {
    const rows = await sql.query<{ channel_id: string }>(`DELETE FROM notification_routings WHERE project_id = $1 AND id = $2 RETURNING channel_id`, [projectId, id]);
    if (rows.length === 0) return false;
    await this.syncChannelEvents(sql, rows[0].channel_id);
    return true;
  }

  /** A channel's event filter is the set of events routed to it. */
  private async syncChannelEvents(sql: Sql, channelId: string): Promise<void> {
    await sql.query(
      `UPDATE webhook_subscriptions SET event_types = ARRAY(
          SELECT DISTINCT event FROM notification_routings WHERE channel_id = $1 ORDER BY event)
        WHERE id = $1`,
      [channelId],
    );
  }
}
