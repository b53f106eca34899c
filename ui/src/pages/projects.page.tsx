import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald, type Schema } from '../api/herald';
import { Card, Empty, ErrorBox } from '../components/basics';
import { QueueSettingsForm } from '../components/queue-settings';
import { formatTime } from '../lib/format';
import { usePolled } from '../lib/use-polled';

const LIVE_MS = 5000;
const PAGE = 100;

type ProjectList = Schema<'ProjectList'>;
type QueueList = Schema<'QueueList'>;

/** GET /api/v1/projects: the projects Herald knows (a project key: its own), by id. */
function loadProjects(cursor: string | undefined): Promise<ProjectList> {
  return ok(herald().GET('/api/v1/projects', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }));
}

/** GET /api/v1/queues: every queue with settings or unfinished requests, by name. */
function loadQueues(cursor: string | undefined): Promise<QueueList> {
  return ok(herald().GET('/api/v1/queues', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }));
}

/** A stack of cursors: the page shown is the last one's, the first page has none. */
function usePages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1],
    first: cursors.length === 0,
    back: () => setCursors((c) => c.slice(0, -1)),
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
  };
}

function Pager({ pages, nextCursor }: { pages: ReturnType<typeof usePages>; nextCursor: string | null }) {
  if (pages.first && !nextCursor) return null;
  return (
    <div class="pager">
      <button type="button" class="ghost" disabled={pages.first} onClick={pages.back}>
        ← Previous
      </button>
      <button type="button" class="ghost" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next →
      </button>
    </div>
  );
}

function OpenByName({ label, placeholder, onOpen }: { label: string; placeholder: string; onOpen: (name: string) => void }) {
  const [name, setName] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onOpen(name.trim());
      }}
    >
      <input type="search" aria-label={label} placeholder={placeholder} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit">{label}</button>
    </form>
  );
}

const num = (n: number) => <td class={n === 0 ? 'num zero' : 'num'}>{n}</td>;

function ProjectTable({ projects }: { projects: ProjectList['projects'] }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>project</th>
            <th class="num">jobs in flight</th>
            <th class="num">webhooks</th>
            <th class="num">channels</th>
            <th class="num">keys</th>
            <th>latest job</th>
          </tr>
        </thead>
        <tbody>
          {projects.map((p) => (
            <tr key={p.projectId} data-project={p.projectId}>
              <td>
                <Link href={`/projects/${encodeURIComponent(p.projectId)}`}>{p.projectId}</Link>{' '}
                <Link class="small" href={`/jobs?project=${encodeURIComponent(p.projectId)}`}>
                  jobs
                </Link>
              </td>
              {num(p.jobsInFlight)}
              {num(p.webhooks)}
              {num(p.channels)}
              {num(p.keys)}
              <td class="muted">{p.lastJobAt ? formatTime(p.lastJobAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueueTable({ queues, open, onOpen }: { queues: QueueList['queues']; open?: string; onOpen: (q: string) => void }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>queue</th>
            <th class="num">pending</th>
            <th class="num">active</th>
            <th class="num">retries</th>
            <th class="num">lease (s)</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.queueName} data-queue={q.queueName}>
              <td>
                <button type="button" class={q.queueName === open ? '' : 'ghost'} onClick={() => onOpen(q.queueName)}>
                  {q.queueName}
                </button>{' '}
                <Link class="small" href={`/jobs?queue=${encodeURIComponent(q.queueName)}`}>
                  requests
                </Link>
              </td>
              <td class={q.pending === 0 ? 'num zero pending' : 'num pending'}>{q.pending}</td>
              <td class={q.active === 0 ? 'num zero active' : 'num active'}>{q.active}</td>
              {num(q.retryLimit)}
              <td class="num">{q.leaseSeconds}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProjectsPage() {
  const [, navigate] = useLocation();
  const projectPages = usePages();
  const queuePages = usePages();
  const projects = usePolled(() => loadProjects(projectPages.cursor), LIVE_MS, [projectPages.cursor]);
  const queues = usePolled(() => loadQueues(queuePages.cursor), LIVE_MS, [queuePages.cursor]);
  const [queue, setQueue] = useState<string>();
  return (
    <div>
      <Card title="Projects" actions={<OpenByName label="Open project" placeholder="project id" onOpen={(p) => navigate(`/projects/${encodeURIComponent(p)}`)} />}>
        <ErrorBox error={projects.error} />
        {projects.data ? (
          <>
            {projects.data.projects.length ? <ProjectTable projects={projects.data.projects} /> : <Empty>No project has a key, a webhook, a channel or a job yet.</Empty>}
            <Pager pages={projectPages} nextCursor={projects.data.nextCursor} />
          </>
        ) : projects.loading ? (
          <p class="muted">loading…</p>
        ) : null}
      </Card>
      <Card title="Queues" actions={<OpenByName label="Open queue" placeholder="queue name" onOpen={setQueue} />}>
        <ErrorBox error={queues.error} />
        {queues.data ? (
          <>
            {queues.data.queues.length ? <QueueTable queues={queues.data.queues} open={queue} onOpen={setQueue} /> : <Empty>No queue has settings or a request waiting; open a queue by name.</Empty>}
            <Pager pages={queuePages} nextCursor={queues.data.nextCursor} />
          </>
        ) : queues.loading ? (
          <p class="muted">loading…</p>
        ) : null}
        {queue ? <QueueSettingsForm key={queue} queue={queue} /> : null}
      </Card>
    </div>
  );
}
