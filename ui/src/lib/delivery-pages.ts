/**
 * The deliveries page's list: the first `pages` pages of GET /api/v1/deliveries read one after
 * another, each from the previous one's nextCursor, as one walk (every message of that moment
 * once, however many arrive meanwhile). "More" asks for one page more; each refresh walks them
 * all again, so the statuses shown are the current ones and nothing slips between two pages.
 */
export interface Page<T> {
  deliveries: T[];
  nextCursor: string | null;
}

export async function walkPages<T>(pages: number, load: (cursor: string | undefined) => Promise<Page<T>>): Promise<Page<T>> {
  const deliveries: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await load(cursor);
    deliveries.push(...page.deliveries);
    if (page.nextCursor === null) return { deliveries, nextCursor: null };
    cursor = page.nextCursor;
  }
  return { deliveries, nextCursor: cursor ?? null };
}
