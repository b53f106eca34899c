import { ConflictError } from '../common/domain-error';

/** The stream moved on since the caller read it. */
export class ConcurrencyError extends ConflictError {
  constructor(streamId: string, expected: number, actual: number | undefined) {
    super('CONCURRENCY_CONFLICT', `stream ${streamId} is at version ${actual ?? 'unknown'}, expected ${expected}`, {
      streamId,
      expectedVersion: expected,
      actualVersion: actual,
    });
  }
}

/** Another instance of the consumer stored a checkpoint first. */
export class CheckpointConflictError extends ConflictError {
  constructor(consumer: string) {
    super('CHECKPOINT_CONFLICT', `checkpoint of consumer ${consumer} was moved by someone else`);
  }
}
