import { walkPages, type Page } from '../../ui/src/lib/delivery-pages';
import { formatRate } from '../../ui/src/lib/format';

/** The dashboard's deliveries list: the pages shown read as one walk of cursors; the last hour's rate as text. */
describe("the dashboard's deliveries pages", () => {
  /** A list of `n` messages served `size` at a time, each page's cursor the index after it. */
  const server = (n: number, size: number) => {
    const asked: Array<string | undefined> = [];
    const load = async (cursor: string | undefined): Promise<Page<number>> => {
      asked.push(cursor);
      const from = cursor === undefined ? 0 : Number(cursor);
      const deliveries = Array.from({ length: Math.max(0, Math.min(size, n - from)) }, (_, i) => from + i);
      return { deliveries, nextCursor: from + size < n ? String(from + size) : null };
    };
    return { asked, load };
  };

  it('reads the pages asked for, each from the previous cursor, and keeps the cursor of the next', async () => {
    const s = server(12, 5);
    expect(await walkPages(2, s.load)).toEqual({ deliveries: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], nextCursor: '10' });
    expect(s.asked).toEqual([undefined, '5']);
  });

  it('stops at the last page (no cursor), however many pages were asked for', async () => {
    const s = server(7, 5);
    expect(await walkPages(4, s.load)).toEqual({ deliveries: [0, 1, 2, 3, 4, 5, 6], nextCursor: null });
    expect(s.asked).toEqual([undefined, '5']);
    expect(await walkPages(1, server(0, 5).load)).toEqual({ deliveries: [], nextCursor: null });
  });

  it('shows a rate rounded down to a tenth of a percent: 100 % only when every attempt succeeded', () => {
    expect([formatRate(1), formatRate(54 / 55), formatRate(0.5), formatRate(0.9999), formatRate(0), formatRate(null)]).toEqual(['100 %', '98.1 %', '50 %', '99.9 %', '0 %', '—']);
  });
});
