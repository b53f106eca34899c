import type { MessageStatus, Ordering, PayloadFormat, Subscription } from './subscription.types';

/**
 * The delivery rules of docs/DELIVERY.md ("Ordering"), as pure functions: what a delivery job
 * does with the message it names, given the ordering facts the take statement read
 * (take-messages.sql.ts) and what is in flight in this instance.
 */

/** A message as the take statement loaded it: the facts the rules decide on. */
export interface TakenFacts {
  status: MessageStatus;
  /** The message's job token: only the delivery job holding it may act on the message. */
  jobToken: string;
  ordering: Ordering;
  eventPosition: number;
  attempts: number;
  subscription: { status: Subscription['status'] };
  /** A newer latest-wins message of its stream exists, and this one may give way to it. */
  newer: boolean;
  /** An earlier message it must follow has not had its first attempt yet. */
  blocked: boolean;
  /** The take statement moved the message's stream to its position: it may go now. */
  moved: boolean;
  /** The stream's attempted position after the take (null: never attempted). */
  streamAt: number | null;
  /** Another instance holds its stream (an attempt of it is in flight there). */
  heldElsewhere: boolean;
  /**
   * The take marked that stream wanted: the holder announces its release (NOTIFY at the commit
   * of the attempt's record), so the message may wait for that instead of polling.
   */
  releaseAnnounced?: boolean;
}

/** A message taken for an attempt, with its subscription and the ordering facts (take-messages.statement.ts). */
export interface TakenMessage extends TakenFacts {
  id: string;
  jobId: string;
  eventType: string;
  kind: PayloadFormat;
  body: string;
  projectId: string | null;
  /** The latest later message of the same subscription and job, if any (what supersedes this one). */
  latestId: string | null;
  /** When blocked: the latest time such an earlier message is due (epoch: due now). */
  blockedUntil: Date | null;
  createdAt: Date;
  subscription: Subscription;
  /** W3C traceparent of the fan-out that wrote it (webhook_messages.trace_parent; null when untraced). */
  traceParent?: string | null;
  /** The correlationId of its event (webhook_messages.correlation_id): the request that caused it, named by its log lines. */
  correlationId?: string | null;
}

/** The delivery job (pg-boss) that names the message. */
export interface DeliveryJobFacts {
  token: string;
  /** A manual resend: never superseded, never waits, holds no stream. */
  force: boolean;
}

export type DeliveryDecision =
  /** Nothing to do: the job is stale (another job holds the message), a duplicate, or the message is closed. */
  | { kind: 'skip' }
  | { kind: 'cancel'; reason: string }
  /** A newer message of its stream takes its place. */
  | { kind: 'supersede' }
  /** Attempt now; `holdsStream`: its ordered stream is busy until the outcome is on record. */
  | { kind: 'attempt'; holdsStream: boolean }
  /** Not yet: an earlier message must go first (`behind`), see planWait. */
  | { kind: 'wait'; behind: 'earlier-message' | 'stream-busy' | 'stream-order' };

/**
 * One delivery job's decision. `duplicate`: the message was already decided in this batch;
 * `streamBusy`: its stream has an attempt in flight in this instance.
 */
export function decideDelivery(
  msg: TakenFacts | undefined,
  job: DeliveryJobFacts,
  ctx: { duplicate: boolean; streamBusy: boolean },
): DeliveryDecision {
  if (!msg || msg.jobToken !== job.token || ctx.duplicate || (msg.status !== 'pending' && msg.status !== 'retrying')) return { kind: 'skip' };
  if (msg.subscription.status !== 'active') return { kind: 'cancel', reason: 'subscription disabled' };
  if (job.force) return { kind: 'attempt', holdsStream: false };
  // Progress: a retrying or stale snapshot gives way to the newer one.
  if (msg.ordering === 'latest-wins' && msg.newer) return { kind: 'supersede' };
  // An earlier message it must follow (its stream's, or the job's progress for a result) has not had its first attempt.
  if (msg.blocked) return { kind: 'wait', behind: 'earlier-message' };
  // Results, project tasks, notifications: in no stream.
  if (msg.ordering === 'always') return { kind: 'attempt', holdsStream: false };
  // One attempt at a time per stream, in this instance and across instances.
  if (ctx.streamBusy || (msg.heldElsewhere && !msg.moved)) return { kind: 'wait', behind: 'stream-busy' };
  // The take moved its stream to it: its turn, never backwards.
  if (msg.moved) return { kind: 'attempt', holdsStream: true };
  if (msg.streamAt !== null && msg.streamAt > msg.eventPosition) {
    // The stream is past it (a later message went out). A progress snapshot, or a lifecycle
    // message that already had an attempt, gives way; a lifecycle message is never dropped
    // before its first attempt: it goes out late, outside its stream.
    return msg.ordering === 'latest-wins' || msg.attempts > 0 ? { kind: 'supersede' } : { kind: 'attempt', holdsStream: false };
  }
  // An earlier message of its stream went first (taken elsewhere, or in the same take).
  return { kind: 'wait', behind: 'stream-order' };
}

/** Where a waiting message waits. */
export type WaitPlan =
  /** In memory here, behind an attempt of its job in flight in this instance; taken again when that one is on record. */
  | { kind: 'park-here' }
  /** Taken once more at once: the facts may be stale (what it waited for was recorded since they were read). */
  | { kind: 'take-again' }
  /**
   * In memory here until the other instance that holds its stream announces the release (taken
   * again then), or at most `ms` (taken again: a lost announcement costs latency, never the message).
   */
  | { kind: 'await-release'; ms: number }
  /** Back to the queue for `ms` (no attempt counted). */
  | { kind: 'defer'; ms: number };

export interface WaitFacts {
  /** The instance is taking work (not shutting down). */
  running: boolean;
  /** Attempts of the message's job in flight in this instance. */
  attemptsOfJobHere: number;
  /** Its stream is held by another instance, which will announce the release (TakenFacts.releaseAnnounced). */
  releaseAnnounced: boolean;
  /** This job was already taken once more for the same reason. */
  takenAgain: boolean;
  /** When blocked: the latest time an earlier message it waits for is due (ms since epoch), else null. */
  blockedUntil: number | null;
  /** Its endpoint's circuit is open (the earlier message is parked as long as the circuit). */
  endpointOpen: boolean;
  now: number;
}

export interface WaitPolicy {
  minMs: number;
  maxMs: number;
  /** How long a message stays parked for an open circuit. */
  parkMs: number;
  /** Longest wait for an announced release before the message is taken again anyway. */
  releaseFallbackMs: number;
}

/**
 * A message that must wait: behind another instance's hold of its stream, here until that
 * instance announces the release; here, when an attempt of its job is in flight in this instance
 * (its outcome wakes it within milliseconds); else taken once more; after that, back to the
 * queue until what it waits for is due (at most maxMs, or the park period behind an open
 * circuit), not every few milliseconds.
 */
export function planWait(f: WaitFacts, p: WaitPolicy): WaitPlan {
  if (f.running && f.releaseAnnounced) return { kind: 'await-release', ms: p.releaseFallbackMs };
  if (f.running && f.attemptsOfJobHere > 0) return { kind: 'park-here' };
  if (f.running && !f.takenAgain) return { kind: 'take-again' };
  const cap = f.endpointOpen ? p.parkMs : p.maxMs;
  const due = f.blockedUntil !== null ? Math.min(f.blockedUntil + 10, f.now + cap) : 0;
  return { kind: 'defer', ms: Math.max(p.minMs, due - f.now) };
}
