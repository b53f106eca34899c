import { MetricsService } from '../../src/metrics/metrics.service';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Clock, SystemClock } from '../../src/common/clock';
import { HERALD_CONFIG, type HeraldConfig, type RetentionConfig } from '../../src/config/config';
import type { Db } from '../../src/database/db';
import { RetentionRepository } from '../../src/maintenance/infrastructure/retention.repository';
import { RetentionService } from '../../src/maintenance/retention.service';
import type { RunningHerald } from './herald';
import { settled, type Delivery } from './webhooks';

/** Shared helpers of the retention tests. */

export const DAY_MS = 86_400_000;

/** Herald's time, `byMs` ahead of the real one (retention as it will run days from now). */
export class ShiftedClock extends Clock {
  constructor(private readonly byMs: number) {
    super();
  }

  now(): Date {
    return new Date(Date.now() + this.byMs);
  }
}

/**
 * A retention runner on a running Herald's pool, as that instance's own would run, with its
 * settings changed and its clock chosen (the instance's own loop keeps its long interval).
 */
export function retentionOf(h: RunningHerald, settings: Partial<RetentionConfig>, clock: Clock = new SystemClock()): RetentionService {
  const config = h.app.get<HeraldConfig>(HERALD_CONFIG);
  return new RetentionService(h.db, new RetentionRepository(), clock, { ...config, retention: { ...config.retention, ...settings } }, h.app.get(MetricsService));
}

/** Settings that keep an instance's own retention loop out of a test's way (it runs when the test says). */
export const NO_BACKGROUND_RETENTION: Pick<HeraldConfig, 'retention'> = {
  retention: { intervalMs: 86_400_000, batchSize: 5000, runBudgetMs: 60_000 },
};

/** Rows per table for some jobs (webhook_messages, webhook_attempts, webhook_streams) and events of every stream. */
export async function rowsOf(db: Db, jobIds: string[]): Promise<{ messages: number; attempts: number; streams: number; events: number }> {
  const [row] = await db.query<{ messages: number; attempts: number; streams: number; events: number }>(
    `SELECT (SELECT count(*) FROM webhook_messages WHERE job_id = ANY($1))::int AS messages,
            (SELECT count(*) FROM webhook_attempts WHERE job_id = ANY($1))::int AS attempts,
            (SELECT count(*) FROM webhook_streams WHERE job_id = ANY($1))::int AS streams,
            (SELECT count(*) FROM events)::int AS events`,
    [jobIds],
  );
  return row;
}

/**
 * Moves the webhook records of some jobs `ms` into the past, as if they had been delivered
 * then (test fixture: the attempts table refuses updates, so its triggers are off for this one
 * transaction; a partitioned table moves the rows to the partitions of their new times).
 */
export async function backdate(db: Db, jobIds: string[], ms: number, what: 'messages and attempts' | 'attempts' = 'messages and attempts'): Promise<void> {
  await db.tx(async (tx) => {
    tx.defer(tx.query(`SET LOCAL session_replication_role = replica`));
    const by = `$2::float8 * interval '1 millisecond'`;
    if (what === 'messages and attempts') {
      tx.defer(tx.query(`UPDATE webhook_messages SET created_at = created_at - ${by}, updated_at = updated_at - ${by}, delivered_at = delivered_at - ${by} WHERE job_id = ANY($1)`, [jobIds, ms]));
    }
    await tx.query(`UPDATE webhook_attempts SET attempted_at = attempted_at - ${by}, next_attempt_at = next_attempt_at - ${by} WHERE job_id = ANY($1)`, [jobIds, ms]);
  });
}

/** Runs deploy/sql/partition-attempts.sql on a database, as an operator would (one simple-query script). */
export async function partitionAttempts(databaseUrl: string): Promise<string[]> {
  const script = readFileSync(join(process.cwd(), 'deploy/sql/partition-attempts.sql'), 'utf8');
  const client = new Client({ connectionString: databaseUrl });
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.connect();
  try {
    await client.query(script);
  } finally {
    await client.end();
  }
  return notices;
}

/** The partitions of webhook_attempts by name, with how many rows each holds. */
export async function attemptPartitions(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'webhook_attempts'::regclass ORDER BY 1`);
  const out: Record<string, number> = {};
  for (const r of rows) {
    const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${r.name}"`);
    out[r.name] = n.n;
  }
  return out;
}

/**
 * What retention may remove now, whatever the time (every final message, every attempt not of
 * an open message, every stream left with no open message): what a run with the clock far
 * enough ahead removes.
 */
export async function removableRows(db: Db): Promise<{ messages: number; attempts: number; streams: number }> {
  const [row] = await db.query<{ messages: number; attempts: number; streams: number }>(
    `SELECT (SELECT count(*) FROM webhook_messages WHERE status NOT IN ('pending', 'retrying'))::int AS messages,
            (SELECT count(*) FROM webhook_attempts a
              WHERE NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.id = a.message_id AND m.status IN ('pending', 'retrying')))::int AS attempts,
            (SELECT count(*) FROM webhook_streams s
              WHERE NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.subscription_id = s.subscription_id AND m.job_id = s.job_id
                                   AND m.status IN ('pending', 'retrying')))::int AS streams`,
  );
  return row;
}

/** Waits until a job's result message is final, then every message of the job (its progress ones came first). */
export async function allSettled(h: RunningHerald, jobId: string): Promise<Delivery[]> {
  await settled(h, jobId, 'exec.result');
  return settled(h, jobId);
}
