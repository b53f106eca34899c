import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald } from '../api/herald';
import { Card, ErrorBox, Json } from '../components/basics';
import { ChannelsCard } from '../components/channels';
import { WebhookCard } from '../components/project-webhook';
import { usePolled } from '../lib/use-polled';

function Limits({ projectId }: { projectId: string }) {
  const limits = usePolled(() => ok(herald().GET('/api/v1/projects/{projectId}/limits', { params: { path: { projectId } } })), null, [projectId]);
  return (
    <Card title="Limits">
      <ErrorBox error={limits.error} />
      {limits.data ? <Json value={{ limits: limits.data.limits, usage: limits.data.usage }} /> : null}
    </Card>
  );
}

export function ProjectPage({ projectId }: { projectId: string }) {
  const [batch, setBatch] = useState('');
  const [shownBatch, setShownBatch] = useState<string>();
  return (
    <div>
      <p class="crumbs">
        <Link href="/projects">← Projects</Link> · <Link href={`/jobs?project=${encodeURIComponent(projectId)}`}>its jobs</Link> · <Link href="/deliveries">deliveries</Link>
      </p>
      <h1 class="page-title">Project {projectId}</h1>
      <WebhookCard projectId={projectId} />
      <Card title="Batch webhooks">
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setShownBatch(batch.trim() || undefined);
          }}
        >
          <input aria-label="batch id" placeholder="batch id" value={batch} onInput={(e) => setBatch(e.currentTarget.value)} />
          <button type="submit">Open batch</button>
        </form>
      </Card>
      {shownBatch ? <WebhookCard key={shownBatch} projectId={projectId} batchId={shownBatch} /> : null}
      <ChannelsCard projectId={projectId} />
      <Limits projectId={projectId} />
    </div>
  );
}
