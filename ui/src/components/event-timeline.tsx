import { useState } from 'preact/hooks';
import type { JobEvent } from '../api/herald';
import { brief, formatTime } from '../lib/format';
import { Empty, Json, LevelBadge } from './basics';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const SHOWN = 300;

/** The facts of an event worth a glance, in one line. */
function summary(e: JobEvent): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of ['nodeName', 'workerName', 'attempt', 'reason', 'outcome', 'statusCode']) if (d[k] !== undefined && d[k] !== null) parts.push(`${k} ${String(d[k])}`);
  if (d.error !== undefined && d.error !== null) parts.push(`error ${brief(d.error, 80)}`);
  if (e.type === 'node.expanded' && Array.isArray(d.tasks)) parts.push(`${d.tasks.length} task${d.tasks.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** The job's events, newest first, coloured by level; filtered by level and type. */
export function EventTimeline({ events }: { events: JobEvent[] }) {
  const [levels, setLevels] = useState<Record<string, boolean>>({ trace: true, debug: true, info: true, warn: true, error: true });
  const [type, setType] = useState('');
  const [all, setAll] = useState(false);
  const shown = events.filter((e) => levels[e.level] !== false && (type === '' || e.type.includes(type))).reverse();
  return (
    <div>
      <div class="filters">
        {LEVELS.map((l) => (
          <label key={l} class={`check level-${l}`}>
            <input type="checkbox" checked={levels[l]} onChange={(e) => setLevels((s) => ({ ...s, [l]: e.currentTarget.checked }))} /> {l}
          </label>
        ))}
        <input type="search" placeholder="event type, e.g. task." value={type} onInput={(e) => setType(e.currentTarget.value)} aria-label="filter by event type" />
        <span class="muted">
          {shown.length} of {events.length}
        </span>
      </div>
      {shown.length === 0 ? <Empty>No event matches.</Empty> : null}
      <ol class="timeline">
        {(all ? shown : shown.slice(0, SHOWN)).map((e) => (
          <li key={e.version} class={`event level-${e.level}`} data-type={e.type}>
            <span class="event-version">#{e.version}</span>
            <LevelBadge level={e.level} />
            <span class="event-type">{e.type}</span>
            <span class="event-time muted">{formatTime(e.createdAt)}</span>
            <span class="event-summary">{summary(e)}</span>
            <details class="event-data">
              <summary>data</summary>
              <Json value={{ data: e.data, metadata: e.metadata }} />
            </details>
          </li>
        ))}
      </ol>
      {!all && shown.length > SHOWN ? (
        <button type="button" class="ghost" onClick={() => setAll(true)}>
          Show all {shown.length}
        </button>
      ) : null}
    </div>
  );
}
