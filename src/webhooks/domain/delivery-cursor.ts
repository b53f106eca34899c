import { ValidationError } from '../../common/domain-error';

/**
 * The position of a page of GET /api/v1/deliveries (newest first: created_at, event position,
 * id, all descending) as an opaque cursor, and back. The key is the last message of a page; the
 * next page is what sorts strictly after it. id (unique) breaks the ties of one event fanned out
 * to several subscriptions at one time, so a page never repeats or skips a message, and
 * messages inserted meanwhile (newer: before the cursor) never shift the pages after it.
 * `createdAt` keeps PostgreSQL's microseconds (a JavaScript Date would round them off).
 */
export interface DeliveryPageKey {
  /** UTC, microseconds: 2026-12-06T21:04:09.123456Z. */
  createdAt: string;
  eventPosition: number;
  id: string;
}

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Before every message: the first page's key (no row sorts before it). */
export const FIRST_PAGE: DeliveryPageKey = { createdAt: 'infinity', eventPosition: Number.MAX_SAFE_INTEGER, id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };

/** A time that exists (not 2026-02-30): PostgreSQL would refuse it. */
function realTime(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 23) === text.slice(0, 23);
}

export function encodeDeliveryCursor(key: DeliveryPageKey): string {
  return Buffer.from(JSON.stringify({ c: key.createdAt, p: key.eventPosition, i: key.id })).toString('base64url');
}

/** The key a cursor names; 400 VALIDATION_FAILED for anything that is not a previous page's `nextCursor`. */
export function decodeDeliveryCursor(cursor: string): DeliveryPageKey {
  try {
    const at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; p?: unknown; i?: unknown } | null;
    if (typeof at?.c !== 'string' || !CREATED_AT.test(at.c) || !realTime(at.c)) throw new Error();
    if (typeof at.p !== 'number' || !Number.isSafeInteger(at.p) || at.p < 0) throw new Error();
    if (typeof at.i !== 'string' || !UUID.test(at.i)) throw new Error();
    return { createdAt: at.c, eventPosition: at.p, id: at.i };
  } catch {
    throw new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'not a cursor from a previous page' }]);
  }
}

/**
 * The page answered from `limit + 1` rows read: the first `limit`, and the cursor of the next
 * page when there is one (null on the last page: no empty page is ever offered).
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => DeliveryPageKey): { page: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { page: rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { page, nextCursor: encodeDeliveryCursor(keyOf(page[page.length - 1])) };
}
