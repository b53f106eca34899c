import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald } from '../api/herald';
import { Card, Empty, ErrorBox } from '../components/basics';
import { QueueSettingsForm } from '../components/queue-settings';
import { usePolled } from '../lib/use-polled';

/**
 * Herald keeps no list of projects or queues: the ones shown are those its subscriptions and its
 * latest jobs name; any other opens by name.
 */
async function known(): Promise<{ projects: string[]; queues: string[] }> {
  const [subs, jobs] = await Promise.allSettled([
    ok(herald().GET('/api/v1/subscriptions', { params: { query: { limit: 5000 } } })),
    ok(herald().GET('/api/v1/exec/search', { params: { query: { limit: '100' } } })),
  ]);
  const projects = new Set<string>();
  const queues = new Set<string>();
  if (subs.status === 'fulfilled') for (const s of subs.value.subscriptions) if (s.scope !== 'job') projects.add(s.scope === 'batch' ? s.scopeId.split('/')[0] : s.scopeId);
  if (jobs.status === 'fulfilled') {
    for (const h of jobs.value.hits) {
      const p = h.status.projectId ?? h.pipeline.projectId;
      if (p) projects.add(p);
      if (h.pipeline.kind === 'queue') queues.add(h.pipeline.name);
    }
  }
  if (subs.status === 'rejected' && jobs.status === 'rejected') throw subs.reason;
  return { projects: [...projects].sort(), queues: [...queues].sort() };
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

export function ProjectsPage() {
  const [, navigate] = useLocation();
  const list = usePolled(known, null, []);
  const [queue, setQueue] = useState<string>();
  return (
    <div>
      <Card title="Projects" actions={<OpenByName label="Open project" placeholder="project id" onOpen={(p) => navigate(`/projects/${encodeURIComponent(p)}`)} />}>
        <ErrorBox error={list.error} />
        {list.data ? (
          list.data.projects.length ? (
            <ul class="chips">
              {list.data.projects.map((p) => (
                <li key={p}>
                  <Link href={`/projects/${encodeURIComponent(p)}`}>{p}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No project has a webhook, a channel or a recent job yet.</Empty>
          )
        ) : null}
      </Card>
      <Card title="Queues" actions={<OpenByName label="Open queue" placeholder="queue name" onOpen={setQueue} />}>
        {list.data?.queues.length ? (
          <ul class="chips">
            {list.data.queues.map((q) => (
              <li key={q}>
                <button type="button" class={q === queue ? '' : 'ghost'} onClick={() => setQueue(q)}>
                  {q}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No recent queue request; open a queue by name.</Empty>
        )}
        {queue ? <QueueSettingsForm key={queue} queue={queue} /> : null}
      </Card>
    </div>
  );
}
