import type { WebhookStageSpec } from './webhook-stage.types';

/** What one status value means for a stage that waits for completion. */
export type MappedStatus =
  | { kind: 'succeeded'; percentComplete?: number }
  | { kind: 'terminal'; reason: string }
  | { kind: 'canceled' }
  | { kind: 'running'; percentComplete?: number };

/** Comma-separated, case-insensitive status lists, as submitted. */
export function parseStatusList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
}

/**
 * Maps the value `statusJsonPath` picked: a string is matched against the terminal, then the
 * canceled, then the success list; a number is a percentage (100 is success, below still
 * running); anything unmapped keeps polling. A missing or non-scalar value fails the stage.
 */
export function mapStatus(found: unknown[], spec: Pick<WebhookStageSpec, 'successStatuses' | 'canceledStatuses' | 'terminalStatuses' | 'statusJsonPath'>): MappedStatus {
  if (found.length === 0) return { kind: 'terminal', reason: `statusJsonPath ${spec.statusJsonPath} found nothing in the status response` };
  const value = found[0];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'terminal', reason: `status ${value} is not a percentage` };
    return value >= 100 ? { kind: 'succeeded', percentComplete: 100 } : { kind: 'running', percentComplete: value };
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    const s = String(value).trim().toUpperCase();
    if (spec.terminalStatuses.includes(s)) return { kind: 'terminal', reason: `remote status ${String(value)} is terminal` };
    if (spec.canceledStatuses.includes(s)) return { kind: 'canceled' };
    if (spec.successStatuses.includes(s)) return { kind: 'succeeded' };
    return { kind: 'running' };
  }
  return { kind: 'terminal', reason: `statusJsonPath ${spec.statusJsonPath} found ${value === null ? 'null' : 'a non-scalar value'}` };
}
