/**
 * Server-sent events as written on the wire (WHATWG HTML, "server-sent events"): `id:`, `event:`
 * and `data:` lines, a blank line after each event, `:` for a comment. JSON has no raw line
 * breaks, so one `data:` line carries it whole.
 */
export function sseEvent(id: number | string, data: string, event?: string): string {
  return `id: ${id}\n${event !== undefined ? `event: ${event}\n` : ''}data: ${data}\n\n`;
}

export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

/**
 * A `Last-Event-ID` header (or none): a non-negative integer, as Herald's ids are (stream
 * versions, global positions). undefined: no header; null: not an id Herald gave.
 */
export function parseLastEventId(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
