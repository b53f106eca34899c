/** Verbosity levels, ascending (seed: trace < debug < info < warn < error < critical). */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

export interface EventMetadata {
  level: Level;
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** W3C traceparent of the span that appended the event (tracing on only, docs/TRACING.md): its fan-out continues that trace. */
  traceparent?: string;
}

/** An event a decider produced, not yet stored. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  streamType: string;
  version: number;
  createdAt: Date;
}

/** Position of an asynchronous consumer: events are read in (transactionId, globalPosition) order. */
export interface Checkpoint {
  transactionId: string;
  globalPosition: number;
}

export const START: Checkpoint = { transactionId: '0', globalPosition: 0 };
