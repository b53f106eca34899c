/** Shows only the last 4 characters of a header value or secret. */
export function maskValue(v: string): string {
  return v.length <= 4 ? '*'.repeat(v.length) : '*'.repeat(v.length - 4) + v.slice(-4);
}
