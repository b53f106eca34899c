import type { Checkpoint } from '../../event-store/event.types';

/** Order of the event log's readers: by transaction id (xid8, beyond 2^53: compared as bigint), then global position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.globalPosition - b.globalPosition;
}

/** The later of two checkpoints (either may be missing). */
export function laterOf(a: Checkpoint | undefined, b: Checkpoint | undefined): Checkpoint | undefined {
  if (!a) return b;
  if (!b) return a;
  return compareCheckpoints(a, b) >= 0 ? a : b;
}

/** A commit signal's payload: `<instance>|<transaction id>|<global position>` of the latest event committed. */
export function encodeSignal(instanceId: string, at: Checkpoint | undefined): string {
  return at ? `${instanceId}|${at.transactionId}|${at.globalPosition}` : instanceId;
}

export function decodeSignal(payload: string): { from: string; at?: Checkpoint } {
  const [from, tx, pos] = payload.split('|');
  if (tx === undefined || !/^\d{1,20}$/.test(tx) || !/^\d{1,16}$/.test(pos ?? '')) return { from };
  return { from, at: { transactionId: tx, globalPosition: Number(pos) } };
}
