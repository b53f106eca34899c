import { ValidationError } from '../../src/common/domain-error';
import { decodeDeliveryCursor, encodeDeliveryCursor, FIRST_PAGE, pageOf, type DeliveryPageKey } from '../../src/webhooks/domain/delivery-cursor';
import { recentSuccess } from '../../src/webhooks/domain/recent-success';

const KEY: DeliveryPageKey = { createdAt: '2026-12-06T21:04:09.123456Z', eventPosition: 4711, id: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11' };

describe('deliveries page cursor', () => {
  it('round-trips a page key, microseconds kept', () => {
    const cursor = encodeDeliveryCursor(KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeDeliveryCursor(cursor)).toEqual(KEY);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['a JSON array', Buffer.from('[1,2]').toString('base64url')],
    ['a time to the millisecond', encodeDeliveryCursor({ ...KEY, createdAt: '2026-12-06T21:04:09.123Z' })],
    ['an impossible time', encodeDeliveryCursor({ ...KEY, createdAt: '2026-13-45T21:04:09.123456Z' })],
    ['a day the month does not have', encodeDeliveryCursor({ ...KEY, createdAt: '2026-02-30T21:04:09.123456Z' })],
    ['a negative position', encodeDeliveryCursor({ ...KEY, eventPosition: -1 })],
    ['a fractional position', encodeDeliveryCursor({ ...KEY, eventPosition: 1.5 })],
    ['an id that is not a uuid', encodeDeliveryCursor({ ...KEY, id: "x' OR 1=1" })],
    ['the first page key', encodeDeliveryCursor(FIRST_PAGE)],
  ])('refuses %s with 400 VALIDATION_FAILED naming cursor', (_what, cursor) => {
    let err: unknown;
    try {
      decodeDeliveryCursor(cursor);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, message: 'cursor is not valid', details: [{ path: 'cursor', message: 'not a cursor from a previous page' }] });
  });

  it('answers limit rows and the cursor of the last one when one more was read; null on the last page', () => {
    const rows = [1, 2, 3, 4].map((n) => ({ n, key: { ...KEY, eventPosition: n } }));
    const full = pageOf(rows, 3, (r) => r.key);
    expect(full.page.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(decodeDeliveryCursor(full.nextCursor!)).toEqual({ ...KEY, eventPosition: 3 });
    expect(pageOf(rows.slice(0, 3), 3, (r) => r.key)).toEqual({ page: rows.slice(0, 3), nextCursor: null });
    expect(pageOf([], 3, (r: (typeof rows)[number]) => r.key)).toEqual({ page: [], nextCursor: null });
  });
});

describe("a subscription's last hour", () => {
  it('is succeeded / attempts, null without attempts', () => {
    expect(recentSuccess(0, 0)).toEqual({ attempts: 0, succeeded: 0, successRate: null });
    expect(recentSuccess(4, 1)).toEqual({ attempts: 4, succeeded: 1, successRate: 0.25 });
    expect(recentSuccess(3, 3)).toEqual({ attempts: 3, succeeded: 3, successRate: 1 });
    expect(recentSuccess(2, 0).successRate).toBe(0);
  });
});
