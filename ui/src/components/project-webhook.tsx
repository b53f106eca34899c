import { useState } from 'preact/hooks';
import { ok, type ApiFailure } from '../api/failure';
import { herald, type ProjectWebhookView } from '../api/herald';
import { formatTime } from '../lib/format';
import { useAction, usePolled } from '../lib/use-polled';
import { Card, ConfirmButton, Empty, ErrorBox, Json, StatusBadge } from './basics';

type Path = { projectId: string; batchId?: string };

function get(path: Path) {
  return path.batchId
    ? herald().GET('/api/v1/projects/{projectId}/batches/{batchId}/webhook', { params: { path: { projectId: path.projectId, batchId: path.batchId } } })
    : herald().GET('/api/v1/projects/{projectId}/webhook', { params: { path: { projectId: path.projectId } } });
}

function put(path: Path, body: { url: string; header: string | null }) {
  return path.batchId
    ? herald().PUT('/api/v1/projects/{projectId}/batches/{batchId}/webhook', { params: { path: { projectId: path.projectId, batchId: path.batchId } }, body })
    : herald().PUT('/api/v1/projects/{projectId}/webhook', { params: { path: { projectId: path.projectId } }, body });
}

function del(path: Path) {
  return path.batchId
    ? herald().DELETE('/api/v1/projects/{projectId}/batches/{batchId}/webhook', { params: { path: { projectId: path.projectId, batchId: path.batchId } } })
    : herald().DELETE('/api/v1/projects/{projectId}/webhook', { params: { path: { projectId: path.projectId } } });
}

/** A project's (or one batch's) webhook: GET, PUT (set; also turns a disabled one on again), DELETE. */
export function WebhookCard({ projectId, batchId }: Path) {
  const path = { projectId, batchId };
  const hook = usePolled<ProjectWebhookView | null>(
    async () => {
      try {
        return await ok(get(path));
      } catch (err) {
        if ((err as ApiFailure).code === 'WEBHOOK_NOT_FOUND') return null;
        throw err;
      }
    },
    5000,
    [projectId, batchId],
  );
  const [url, setUrl] = useState('');
  const [header, setHeader] = useState('');
  const save = useAction(async () => {
    await ok(put(path, { url: url || hook.data?.url || '', header: header || null }));
    setHeader('');
    hook.reload();
  });
  const remove = useAction(async () => {
    await ok(del(path));
    hook.reload();
  });
  const h = hook.data;
  return (
    <Card title={batchId ? `Webhook of batch ${batchId}` : 'Project webhook'}>
      <ErrorBox error={hook.error} />
      {h === null ? <Empty>No webhook: every completed task of the project would be posted to it.</Empty> : null}
      {h ? (
        <dl class="facts">
          <dt>URL</dt>
          <dd class="url">{h.url}</dd>
          <dt>Authorization</dt>
          <dd class="code">{h.header ?? '—'}</dd>
          <dt>status</dt>
          <dd>
            <StatusBadge status={h.status} /> {h.status === 'disabled' ? `${h.disabledReason ?? ''} ${formatTime(h.disabledAt)}, ${h.skippedEvents} events missed: save it again to turn it on` : h.failingSince ? `failing since ${formatTime(h.failingSince)}` : null}
          </dd>
          <dt>last call</dt>
          <dd>{h.lastCall ? <Json value={h.lastCall} /> : '—'}</dd>
          <dt>last error</dt>
          <dd>{h.lastError ? <Json value={h.lastError} /> : '—'}</dd>
        </dl>
      ) : null}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <input type="url" aria-label="webhook URL" placeholder={h?.url ?? 'https://…'} value={url} onInput={(e) => setUrl(e.currentTarget.value)} required={!h} />
        <input type="password" aria-label="Authorization header" placeholder="Authorization header (optional)" value={header} onInput={(e) => setHeader(e.currentTarget.value)} />
        <button type="submit" disabled={save.busy}>
          {h ? (h.status === 'disabled' ? 'Save and re-enable' : 'Save') : 'Set webhook'}
        </button>
        {h ? <ConfirmButton label="Delete" confirm="Delete the webhook?" onConfirm={() => void remove.run()} /> : null}
      </form>
      {h ? <p class="muted small">Saving replaces the Authorization header: give it again to keep it.</p> : null}
      <ErrorBox error={save.error ?? remove.error} />
    </Card>
  );
}
