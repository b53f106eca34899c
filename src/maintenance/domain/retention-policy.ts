import type { MessageStatus } from '../../webhooks/domain/subscription.types';

/**
 * What retention may remove (docs/RETENTION.md), as pure functions of time and of the attempts
 * table's partitions. Events are never removed (the event store keeps everything).
 */

/** A message in one of these states is over: nothing will attempt it again unless resent. */
export const FINAL_STATUSES = ['delivered', 'failed', 'superseded', 'cancelled'] as const satisfies readonly MessageStatus[];
/** Still to be sent, waiting (parked behind an open circuit) or in flight: never removed, nor its attempts. */
export const OPEN_STATUSES = ['pending', 'retrying'] as const satisfies readonly MessageStatus[];

const DAY_MS = 86_400_000;

/** Rows that reached their final state (messages) or were made (attempts) before this are removed. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** One partition of webhook_attempts, as the catalog describes it (null bound: MINVALUE / MAXVALUE). */
export interface AttemptPartition {
  schema: string;
  name: string;
  isDefault: boolean;
  from: Date | null;
  to: Date | null;
}

/** A month, as the bounds of its partition: [from, to) in UTC. */
export interface Month {
  from: Date;
  to: Date;
  /** webhook_attempts_p2026_03 (the name deploy/sql/partition-attempts.sql gives it too). */
  name: string;
}

export function monthOf(at: Date, offset = 0): Month {
  const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const name = `webhook_attempts_p${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
  return { from, to, name };
}

function overlaps(p: AttemptPartition, m: Month): boolean {
  return !p.isDefault && (p.from === null || p.from < m.to) && (p.to === null || p.to > m.from);
}

/**
 * The months from the current one to `ahead` months later that no partition covers yet (any
 * partition, whatever its name: one made by pg_partman counts), oldest first.
 */
export function monthsToCreate(now: Date, ahead: number, partitions: AttemptPartition[]): Month[] {
  const months: Month[] = [];
  for (let i = 0; i <= ahead; i++) {
    const m = monthOf(now, i);
    if (!partitions.some((p) => overlaps(p, m))) months.push(m);
  }
  return months;
}

/** Partitions whose whole range is older than the cutoff: removed whole (unless they hold attempts of an open message). */
export function partitionsPastCutoff(partitions: AttemptPartition[], cutoff: Date): AttemptPartition[] {
  return partitions.filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff).sort((a, b) => a.to!.getTime() - b.to!.getTime());
}

/**
 * On a partitioned table, attempts go with their partitions; rows are deleted one by one only
 * where a partition cannot go: in partitions past the cutoff kept for an open message's
 * attempts, and in the default partition. That is below the end of the last partition past the
 * cutoff; with none, below the start of the oldest partition (default-partition rows older than
 * every partition); with no partition but the default, below the cutoff itself.
 */
export function rowCutoffOfPartitioned(partitions: AttemptPartition[], cutoff: Date): Date {
  const past = partitionsPastCutoff(partitions, cutoff);
  if (past.length > 0) return past[past.length - 1].to!;
  const ranged = partitions.filter((p) => !p.isDefault);
  if (ranged.length === 0) return cutoff;
  if (ranged.some((p) => p.from === null)) return new Date(0);
  const oldest = Math.min(...ranged.map((p) => p.from!.getTime()));
  return new Date(Math.min(oldest, cutoff.getTime()));
}

/** The outcome of one batch statement, and whether the run should send another one. */
export interface BatchOutcome {
  /** Rows the statement looked at (attempts: the window it scanned), or removed (messages). */
  seen: number;
  /** Of those, rows old enough to be removed (removed or kept for an open message). */
  old: number;
}

export function moreToDo(batch: BatchOutcome, batchSize: number): boolean {
  return batch.seen >= batchSize && batch.old > 0;
}

/** Per table, rows removed. */
export type RemovedCounts = Record<string, number>;

export function addCounts(into: RemovedCounts, from: RemovedCounts): RemovedCounts {
  for (const [table, n] of Object.entries(from)) if (n > 0) into[table] = (into[table] ?? 0) + n;
  return into;
}
