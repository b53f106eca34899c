import type { Sql } from '../../database/db';
import type { TakenMessage } from '../domain/delivery-decision';
import type { MessageStatus, Ordering, PayloadFormat } from '../domain/subscription.types';
import { PENDING_EARLIER_FANOUT } from './pending-fanouts.statements';
import { SUB_COLUMNS, toSubscription, type SubscriptionRow } from './subscription-rows';

/**
 * The take statement: loads each message named by a delivery job with its subscription and the
 * ordering facts the delivery rules decide on (domain/delivery-decision.ts), and in the same
 * statement moves the (subscription, job) stream of every message that may go now to its
 * position, so attempts never go backwards, across instances.
 *
 * A message may go when it is open, its job still holds its token, its subscription is active,
 * it keeps an order (not `always`), is not a forced resend, is neither superseded (`newer`) nor
 * waiting for an earlier message (`blocked_until`), and its stream is not busy in this instance
 * ($5: "subscription|job" keys) nor held by another one (webhook_streams.held_by, until
 * held_until): one attempt at a time per stream across instances. Of several in one stream, the
 * earliest. A stream already past the position, or held by another instance (its row is locked
 * by that instance's take until it commits, then re-checked), refuses. A moved stream is held by
 * this instance ($7) for at most $8 ms, until the recorder writes the attempt's outcome
 * (releaseStreams), or a live instance takes over from this one if it dies. A stream held by
 * another instance is marked `wanted` (release_announced): its release then NOTIFYs
 * herald_streams, and the waiting message is taken again at once. $4 (staleMs): a latest-wins message waiting longer than this (a backlog:
 * the endpoint is slow or failing) gives way to a newer one; younger ones go out in order, so a
 * healthy endpoint gets every progress event. $6: now, from Herald's clock, the one that set
 * the messages' created_at (the server's clock is never compared with it).
 */
const take = (input: string) => `
WITH x AS (
  ${input}
), m AS (
  SELECT DISTINCT ON (m.id)
         m.id AS m_id, m.subscription_id, m.job_id, m.event_position, m.event_type, m.kind, m.ordering, m.body,
         m.status AS m_status, m.attempts, m.job_token, m.project_id, m.trace_parent, m.correlation_id, x.token, x.force,
         (m.ordering = 'latest-wins'
           AND (m.attempts > 0 OR m.created_at < $6::timestamptz - $4 * interval '1 millisecond')
           AND latest.id IS NOT NULL) AS newer,
         latest.id AS latest_id,
         -- Not null: an earlier message it must follow has not had its first attempt; the
         -- latest time one of those is due (epoch when due now).
         coalesce(CASE m.ordering
           WHEN 'latest-wins' THEN (
             SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
              WHERE p.subscription_id = m.subscription_id AND p.job_id = m.job_id
                AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0
                AND p.created_at >= $6::timestamptz - $4 * interval '1 millisecond')
           WHEN 'always' THEN (
             SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
              WHERE p.job_id = m.job_id AND p.ordering <> 'always'
                -- <=: the progress of the job-ending event itself goes before the result
                AND p.event_position <= m.event_position AND p.status = 'pending' AND p.attempts = 0)
           WHEN 'ordered' THEN (
             SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
              WHERE p.subscription_id = m.subscription_id AND p.job_id = m.job_id
                AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0)
           END,
           -- An earlier event of its job is still in a fan-out (on any instance): its messages do not exist yet.
           ${PENDING_EARLIER_FANOUT}) AS blocked_until,
         m.created_at AS m_created_at,
         ${SUB_COLUMNS.replace('s.status', 's.status AS s_status, s.status')}
    FROM x JOIN webhook_messages m ON m.id = x.id JOIN webhook_subscriptions s ON s.id = m.subscription_id
    -- The stream's latest later message (what supersedes this one, if anything does).
    LEFT JOIN LATERAL (
      SELECT n.id FROM webhook_messages n
       WHERE n.subscription_id = m.subscription_id AND n.job_id = m.job_id AND n.event_position > m.event_position
         AND n.ordering = m.ordering
       ORDER BY n.event_position DESC LIMIT 1) latest ON true
   ORDER BY m.id, (m.job_token = x.token) DESC
), c AS (
  -- Messages that go in their stream's order, now (free) or after an earlier one's first attempt.
  SELECT m.subscription_id, m.job_id, m.event_position, blocked_until IS NULL AS free
    FROM m
   WHERE m_status IN ('pending', 'retrying') AND job_token = token AND s_status = 'active'
     AND ordering <> 'always' AND NOT force AND NOT (ordering = 'latest-wins' AND newer)
     AND NOT ((m.subscription_id::text || '|' || m.job_id) = ANY($5::text[]))
), eligible AS (
  SELECT DISTINCT ON (c.subscription_id, c.job_id) c.subscription_id, c.job_id, c.event_position
    FROM c
    LEFT JOIN webhook_streams hs ON hs.subscription_id = c.subscription_id AND hs.job_id = c.job_id
   WHERE c.free AND (hs.held_by IS NULL OR hs.held_by = $7::uuid OR hs.held_until <= $6::timestamptz)
   ORDER BY c.subscription_id, c.job_id, c.event_position
), wanted AS (
  -- Held by another instance (its attempt, a first one that blocks this message or a retry, is in
  -- flight there): marked wanted, so its release announces itself (RELEASE_STREAMS). Re-checked
  -- on the row's latest version: a stream released meanwhile is not marked.
  UPDATE webhook_streams w SET wanted = true
    FROM (SELECT DISTINCT subscription_id, job_id FROM c) h
   WHERE w.subscription_id = h.subscription_id AND w.job_id = h.job_id
     AND w.held_by <> $7::uuid AND w.held_until > $6::timestamptz
  RETURNING w.subscription_id, w.job_id
), moved AS (
  INSERT INTO webhook_streams (subscription_id, job_id, last_position, held_by, held_until)
  SELECT subscription_id, job_id, event_position, $7::uuid, $6::timestamptz + $8 * interval '1 millisecond' FROM eligible
  ON CONFLICT (subscription_id, job_id) DO UPDATE
     SET last_position = excluded.last_position, held_by = excluded.held_by, held_until = excluded.held_until, wanted = NULL
   WHERE webhook_streams.last_position <= excluded.last_position
     AND (webhook_streams.held_by IS NULL OR webhook_streams.held_by = $7::uuid OR webhook_streams.held_until <= $6::timestamptz)
  RETURNING subscription_id, job_id, last_position
)
SELECT m.*, coalesce(mv.last_position = m.event_position, false) AS moved,
       coalesce(mv.last_position, st.last_position) AS stream_at,
       (mv.subscription_id IS NULL AND st.held_by IS NOT NULL AND st.held_by <> $7::uuid AND st.held_until > $6::timestamptz) AS held_elsewhere,
       (wd.subscription_id IS NOT NULL) AS release_announced
  FROM m
  LEFT JOIN moved mv ON mv.subscription_id = m.subscription_id AND mv.job_id = m.job_id
  LEFT JOIN wanted wd ON wd.subscription_id = m.subscription_id AND wd.job_id = m.job_id
  LEFT JOIN webhook_streams st ON st.subscription_id = m.subscription_id AND st.job_id = m.job_id`;

/**
 * One message (the usual hand-off) as scalars: the planner then keeps one generic plan for the
 * statement; with arrays it re-plans every call (~0.8 ms, measured).
 */
export const TAKE_ONE_MESSAGE = take('SELECT $1::uuid AS id, $2::uuid AS token, $3::bool AS force');
export const TAKE_MESSAGES = take('SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bool[]) AS x(id, token, force)');

type TakeRow = SubscriptionRow & {
  m_id: string; subscription_id: string; job_id: string; event_position: number; event_type: string; kind: PayloadFormat; ordering: Ordering;
  body: string; m_status: MessageStatus; attempts: number; job_token: string; project_id: string | null; newer: boolean; blocked_until: Date | null; m_created_at: Date;
  latest_id: string | null; moved: boolean; stream_at: number | null; held_elsewhere: boolean; release_announced: boolean; trace_parent: string | null; correlation_id: string | null;
};

export interface TakeRequest {
  messageId: string;
  token: string;
  force: boolean;
}

/** How the take statement holds the streams it moves: for this instance, at most `ms`. */
export interface StreamHold {
  instanceId: string;
  ms: number;
}

/** Runs the take statement for these delivery jobs (see above); `busy`: "subscription|job" streams in flight here. */
export async function takeMessages(sql: Sql, jobs: TakeRequest[], opts: { staleMs: number; busy: string[]; now: Date; hold: StreamHold }): Promise<TakenMessage[]> {
  if (jobs.length === 0) return [];
  const rest = [opts.staleMs, opts.busy, opts.now, opts.hold.instanceId, opts.hold.ms];
  const rows = await sql.query<TakeRow>(
    jobs.length === 1 ? TAKE_ONE_MESSAGE : TAKE_MESSAGES,
    jobs.length === 1 ? [jobs[0].messageId, jobs[0].token, jobs[0].force, ...rest] : [jobs.map((j) => j.messageId), jobs.map((j) => j.token), jobs.map((j) => j.force), ...rest],
  );
  return rows.map((r) => ({
    id: r.m_id,
    jobId: r.job_id,
    eventPosition: r.event_position,
    eventType: r.event_type,
    kind: r.kind,
    ordering: r.ordering,
    body: r.body,
    status: r.m_status,
    attempts: r.attempts,
    jobToken: r.job_token,
    projectId: r.project_id,
    newer: r.newer,
    latestId: r.latest_id,
    blocked: r.blocked_until !== null,
    blockedUntil: r.blocked_until,
    createdAt: r.m_created_at,
    moved: r.moved,
    streamAt: r.stream_at,
    heldElsewhere: r.held_elsewhere,
    releaseAnnounced: r.release_announced,
    subscription: toSubscription(r),
    traceParent: r.trace_parent,
    correlationId: r.correlation_id,
  }));
}

/** The NOTIFY channel of released streams that another instance's message waits for. */
export const STREAMS_CHANNEL = 'herald_streams';
/** Longest list of streams one notification names; beyond it, '*' (every waiter takes again). */
const MAX_ANNOUNCED_CHARS = 7000;

/**
 * Announces, at commit, the released streams of `rows` (subscription_id, job_id, wanted) that a
 * waiter marked wanted: one NOTIFY of "subscription|job" keys, comma-separated, or '*' when they
 * would not fit in a payload. No NOTIFY at all when none was wanted (no commit-time cost).
 */
export const ANNOUNCE_RELEASES = (rows: string) => `
SELECT pg_notify('${STREAMS_CHANNEL}', CASE WHEN sum(length(subscription_id::text || job_id) + 2) > ${MAX_ANNOUNCED_CHARS} THEN '*'
                 ELSE string_agg(subscription_id::text || '|' || job_id, ',') END)
  FROM ${rows} WHERE wanted HAVING count(*) > 0`;

/**
 * The streams whose attempts' outcomes this instance is recording: held by it no longer (written
 * in the recorder's transaction, so another instance's next take of the stream follows the record).
 */
export const RELEASE_STREAMS = `
WITH r AS (
  UPDATE webhook_streams s SET held_by = NULL, held_until = NULL
    FROM unnest($2::uuid[], $3::text[]) AS r(subscription_id, job_id)
   WHERE s.subscription_id = r.subscription_id AND s.job_id = r.job_id AND s.held_by = $1::uuid
  RETURNING s.subscription_id, s.job_id, s.wanted)
${ANNOUNCE_RELEASES('r')}`;

export function releaseStreams(sql: Sql, instanceId: string, streams: Array<{ subscriptionId: string; jobId: string }>): Promise<unknown> {
  return sql.query(RELEASE_STREAMS, [instanceId, streams.map((s) => s.subscriptionId), streams.map((s) => s.jobId)]);
}
