/** Rows as aligned text columns, a header first; null and undefined print as `-`. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string[] {
  const cells = [headers, ...rows.map((r) => r.map((v) => (v === null || v === undefined || v === '' ? '-' : String(v))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  '));
}
