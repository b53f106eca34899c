import type { Sql } from '../database/db';
import { CheckpointConflictError, ConcurrencyError } from './event-store.errors';
import { START, type Checkpoint, type NewEvent, type RecordedEvent } from './event.types';

interface EventRow {
  global_position: number;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  version: number;
  event_type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  created_at: Date;
}

const COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_id, stream_type, version,
  event_type, data, metadata, created_at`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}

function toConcurrencyError(err: unknown, streamId: string, expectedVersion: number): unknown {
  const e = err as { code?: string; constraint?: string; detail?: string };
  if (e.code === 'HR409') return new ConcurrencyError(streamId, expectedVersion, Number(e.detail));
  if (e.constraint === 'events_stream_version_unique') return new ConcurrencyError(streamId, expectedVersion, undefined);
  return err;
}

/**
 * The event store: all of its SQL is here. Appends run on the caller's transaction so the
 * read models and the outbox are written atomically with the events.
 */
export class EventStoreRepository {
  /**
   * Appends events at expectedVersion + 1, +2, ... A stream that moved on (or a racing
   * append) is a ConcurrencyError; nothing is written then. One statement, safe to pipeline:
   * in a transaction the caller need not await it (a conflict fails the whole transaction).
   */
  append(
    tx: Sql,
    streamId: string,
    streamType: string,
    expectedVersion: number,
    events: NewEvent[],
    createdAt: Date,
    checked = true,
  ): Promise<RecordedEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    const versions = events.map((_, i) => expectedVersion + i + 1);
    // events_expect_version raises (HR409) unless the stream is exactly at expectedVersion; a
    // racing append that gets there first trips the unique index instead. `checked: false` is
    // for a later append of the same transaction to a stream it appended to already, under a
    // lock that keeps others out (JobStore): the first append checked the version, the ones
    // after it follow on (the unique index still refuses an overlap).
    return tx
      .query<EventRow>(
        `INSERT INTO events (stream_id, stream_type, version, event_type, data, metadata, created_at)
         SELECT $1, $2, x.version, x.event_type, x.data, x.metadata, $7
           FROM ${checked ? 'events_expect_version($1, $8) AS checked,' : '(SELECT $8::int) AS unchecked,'}
                unnest($3::int[], $4::text[], $5::jsonb[], $6::jsonb[]) AS x(version, event_type, data, metadata)
         RETURNING ${COLUMNS}`,
        [
          streamId,
          streamType,
          versions,
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data ?? null)),
          events.map((e) => JSON.stringify(e.metadata)),
          createdAt,
          expectedVersion,
        ],
        { mapError: (err) => toConcurrencyError(err, streamId, expectedVersion) },
      )
      .then((rows) => rows.map(toRecorded).sort((a, b) => a.version - b.version));
  }

  /** Global positions of events named by stream and version ("stream|version" -> position). */
  async positionsOf(sql: Sql, refs: Array<{ streamId: string; version: number }>): Promise<Map<string, number>> {
    if (refs.length === 0) return new Map();
    const rows = await sql.query<{ stream_id: string; version: number; global_position: number }>(
      `SELECT e.stream_id, e.version, e.global_position
         FROM unnest($1::text[], $2::int[]) AS x(stream_id, version)
         JOIN events e ON e.stream_id = x.stream_id AND e.version = x.version`,
      [refs.map((r) => r.streamId), refs.map((r) => r.version)],
    );
    return new Map(rows.map((r) => [`${r.stream_id}|${r.version}`, r.global_position]));
  }

  async readStream(sql: Sql, streamId: string, fromVersion = 1, limit = 1000): Promise<RecordedEvent[]> {
    const rows = await sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3`,
      [streamId, fromVersion, limit],
    );
    return rows.map(toRecorded);
  }

  /** Stream ids in order of their first event, for replays. */
  async streamIds(sql: Sql, streamType: string, after: number, limit: number): Promise<Array<{ streamId: string; position: number }>> {
    const rows = await sql.query<{ stream_id: string; global_position: number }>(
      `SELECT stream_id, global_position FROM events
        WHERE stream_type = $1 AND version = 1 AND global_position > $2
        ORDER BY global_position LIMIT $3`,
      [streamType, after, limit],
    );
    return rows.map((r) => ({ streamId: r.stream_id, position: r.global_position }));
  }

  /**
   * Reader for asynchronous consumers: events after the checkpoint, in (transaction_id,
   * global_position) order, only from transactions older than every transaction still running.
   * A transaction that commits late therefore holds the reader back instead of being skipped.
   */
  async readAfter(sql: Sql, checkpoint: Checkpoint, limit = 500): Promise<RecordedEvent[]> {
    const rows = await sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [checkpoint.transactionId, checkpoint.globalPosition, limit],
    );
    return rows.map(toRecorded);
  }

  /**
   * Where a reader that starts now begins: the last event below every running transaction
   * (START when there is none). readAfter from it misses nothing that commits later.
   */
  async head(sql: Sql): Promise<Checkpoint> {
    const rows = await sql.query<{ transaction_id: string; global_position: number }>(
      `SELECT transaction_id::text AS transaction_id, global_position FROM events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id DESC, global_position DESC
        LIMIT 1`,
    );
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : START;
  }

  /** The checkpoint of the event at a global position (readAfter from it goes on right after that event); undefined: no such event. */
  async checkpointAt(sql: Sql, globalPosition: number): Promise<Checkpoint | undefined> {
    const rows = await sql.query<{ transaction_id: string }>('SELECT transaction_id::text AS transaction_id FROM events WHERE global_position = $1', [globalPosition]);
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition } : undefined;
  }

  async loadCheckpoint(sql: Sql, consumer: string): Promise<Checkpoint | undefined> {
    const rows = await sql.query<{ transaction_id: string; global_position: number }>(
      'SELECT transaction_id::text AS transaction_id, global_position FROM consumer_checkpoints WHERE consumer = $1',
      [consumer],
    );
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : undefined;
  }

  /**
   * Compare-and-set: moves the consumer from `expected` (undefined: no checkpoint yet) to `next`,
   * on the consumer's own transaction, so its effects and its position commit together.
   */
  async storeCheckpoint(tx: Sql, consumer: string, expected: Checkpoint | undefined, next: Checkpoint): Promise<void> {
    const rows = expected
      ? await tx.query(
          `UPDATE consumer_checkpoints SET transaction_id = $2::xid8, global_position = $3, updated_at = now()
            WHERE consumer = $1 AND transaction_id = $4::xid8 AND global_position = $5
            RETURNING 1`,
          [consumer, next.transactionId, next.globalPosition, expected.transactionId, expected.globalPosition],
        )
      : await tx.query(
          `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position)
           VALUES ($1, $2::xid8, $3) ON CONFLICT (consumer) DO NOTHING RETURNING 1`,
          [consumer, next.transactionId, next.globalPosition],
        );
    if (rows.length !== 1) throw new CheckpointConflictError(consumer);
  }
}
