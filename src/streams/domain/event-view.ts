import type { RecordedEvent } from '../../event-store/event.types';
import { splitSecrets } from '../../jobs/domain/spec-secrets';
import { sseEvent } from './sse';

/** One event of the log as GET /api/v1/events/stream sends it (`data:` of an SSE event named after its type). */
export interface EventView {
  globalPosition: number;
  streamId: string;
  version: number;
  type: string;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}

/**
 * The event as the API shows events elsewhere (GET /api/v1/jobs/{jobId}/events): a request's
 * secrets are never in job.submitted (spec-secrets.ts), and those recorded before requests'
 * secrets were kept apart are masked here.
 */
export function eventView(e: RecordedEvent): EventView {
  return {
    globalPosition: e.globalPosition,
    streamId: e.streamId,
    version: e.version,
    type: e.type,
    data: e.type === 'job.submitted' ? withMaskedSpec(e.data) : e.data,
    metadata: e.metadata,
    createdAt: e.createdAt.toISOString(),
  };
}

function withMaskedSpec(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const d = data as Record<string, unknown>;
  return typeof d.spec === 'object' && d.spec !== null ? { ...d, spec: splitSecrets(d.spec).masked } : d;
}

/** The SSE event: `id:` the global position, `event:` the event type. */
export function eventFrame(e: RecordedEvent): string {
  return sseEvent(e.globalPosition, JSON.stringify(eventView(e)), e.type);
}

/** The project a job.submitted event names (null: none); undefined for any other event. */
export function projectNamedBy(e: RecordedEvent): string | null | undefined {
  if (e.type !== 'job.submitted') return undefined;
  const spec = (e.data as { spec?: { projectId?: unknown } } | null)?.spec;
  return typeof spec?.projectId === 'string' ? spec.projectId : null;
}

/** What an events stream asks for: a project (a project key's own, always), a job, event types. */
export interface EventFilter {
  projectId?: string;
  jobId?: string;
  types?: ReadonlySet<string>;
}

/** Whether the event passes the filter; `projectOf` gives the project of its stream (null: none). */
export function eventPasses(e: RecordedEvent, filter: EventFilter, projectOf: (streamId: string) => string | null | undefined): boolean {
  if (filter.jobId !== undefined && e.streamId !== filter.jobId) return false;
  if (filter.types && !filter.types.has(e.type)) return false;
  if (filter.projectId !== undefined && projectOf(e.streamId) !== filter.projectId) return false;
  return true;
}
