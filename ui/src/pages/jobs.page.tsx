import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald, type SearchHit } from '../api/herald';
import { Card, Empty, ErrorBox, ProgressBar, StatusBadge } from '../components/basics';
import { formatTime } from '../lib/format';
import { usePolled } from '../lib/use-polled';

const STATUSES = ['', 'pending', 'active', 'paused', 'completed', 'failed', 'stopped'];
const LIVE_MS = 2000;

interface Filters {
  status: string;
  pipeline: string;
  queue: string;
  project: string;
  limit: string;
}

function filtersOf(search: string): Filters {
  const p = new URLSearchParams(search);
  return { status: p.get('status') ?? '', pipeline: p.get('pipeline') ?? '', queue: p.get('queue') ?? '', project: p.get('project') ?? '', limit: p.get('limit') ?? '50' };
}

function searchOf(f: Filters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && !(k === 'limit' && v === '50')) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * One page of GET /api/v1/exec/search, newest first, every filter applied by Herald: status,
 * the pipeline or queue name, the kind (a queue name: queue requests only; a pipeline name:
 * pipelines only) and the project (a project key sees its own project only).
 */
async function loadJobs(f: Filters, cursor: string | undefined): Promise<{ hits: SearchHit[]; cursor: string | null }> {
  const name = f.queue || f.pipeline;
  const kind = f.queue ? ('queue' as const) : f.pipeline ? ('pipeline' as const) : undefined;
  const query = {
    ...(name ? { pipelineName: name } : {}),
    ...(f.status ? { pipelineStatus: f.status } : {}),
    ...(kind ? { kind } : {}),
    ...(f.project ? { projectId: f.project } : {}),
    limit: f.limit,
    ...(cursor ? { cursor } : {}),
  };
  const answer = await ok(herald().GET('/api/v1/exec/search', { params: { query } }));
  return { hits: answer.hits, cursor: answer.cursor };
}

function JobRow({ hit }: { hit: SearchHit }) {
  const s = hit.status;
  const href = `/jobs/${encodeURIComponent(hit.jobId)}`;
  return (
    <li class="job-row" data-job={hit.jobId}>
      <div class="job-main">
        <StatusBadge status={s.status} />
        <Link href={href} class="job-id">
          {hit.jobId}
        </Link>
      </div>
      <div class="job-meta">
        <span title="pipeline">
          {hit.pipeline.kind === 'queue' ? <span class="tag">queue</span> : null} {s.pipeline}
        </span>
        {s.projectId ? <span title="project">project {s.projectId}</span> : null}
        {s.batchId ? <span title="batch">batch {s.batchId}</span> : null}
        <span class="muted">{formatTime(hit.pipeline.startTime)}</span>
      </div>
      <div class="job-progress">
        <ProgressBar progress={s.data.progress} status={s.status} />
        <span class="muted small">{s.data.details}</span>
      </div>
    </li>
  );
}

export function JobsPage() {
  const [, navigate] = useLocation();
  const search = useSearch();
  const filters = filtersOf(search);
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    setDraft(filtersOf(search));
    setCursors([]);
  }, [search]);
  const list = usePolled(() => loadJobs(filters, cursor), LIVE_MS, [search, cursor]);
  const apply = (f: Filters) => navigate(`/jobs${searchOf(f)}`, { replace: true });
  const conflict = draft.pipeline && draft.queue;

  return (
    <Card title="Jobs" actions={<span class="muted small live">live · every {LIVE_MS / 1000} s</span>}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label>
          Status
          <select
            name="status"
            value={draft.status}
            onChange={(e) => {
              const f = { ...draft, status: e.currentTarget.value };
              setDraft(f);
              apply(f);
            }}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        {(['pipeline', 'queue', 'project'] as const).map((k) => (
          <label key={k}>
            {k[0].toUpperCase() + k.slice(1)}
            <input name={k} type="search" value={draft[k]} onInput={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })} placeholder={k === 'queue' ? 'queue name' : k === 'project' ? 'project id' : 'pipeline name'} />
          </label>
        ))}
        <label>
          Page
          <select name="limit" value={draft.limit} onChange={(e) => apply({ ...draft, limit: e.currentTarget.value })}>
            {['25', '50', '100'].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={Boolean(conflict)}>
          Filter
        </button>
      </form>
      {conflict ? <p class="error">A job is a pipeline or a queue request: give a pipeline or a queue, not both.</p> : null}
      <ErrorBox error={list.error} />
      {list.data ? (
        <>
          {list.data.hits.length === 0 ? <Empty>No job matches.</Empty> : null}
          <ul class="job-list">
            {list.data.hits.map((h) => (
              <JobRow key={h.jobId} hit={h} />
            ))}
          </ul>
          <div class="pager">
            <button type="button" class="ghost" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ← Newer
            </button>
            <button type="button" class="ghost" disabled={!list.data.cursor} onClick={() => list.data?.cursor && setCursors((c) => [...c, list.data!.cursor!])}>
              Older →
            </button>
          </div>
        </>
      ) : list.loading ? (
        <p class="muted">loading…</p>
      ) : null}
    </Card>
  );
}
