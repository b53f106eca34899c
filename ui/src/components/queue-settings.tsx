import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald, type QueueSettings } from '../api/herald';
import { useAction, usePolled } from '../lib/use-polled';
import { ErrorBox } from './basics';

/** A named queue's retry and lease settings (GET, PUT /api/v1/queues/{queueName}; PUT needs an admin key). */
export function QueueSettingsForm({ queue }: { queue: string }) {
  const settings = usePolled(() => ok(herald().GET('/api/v1/queues/{queueName}', { params: { path: { queueName: queue } } })), null, [queue]);
  const [draft, setDraft] = useState<QueueSettings>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(settings.data), [settings.data]);
  const save = useAction(async (s: QueueSettings) => {
    await ok(herald().PUT('/api/v1/queues/{queueName}', { params: { path: { queueName: queue } }, body: { retryLimit: s.retryLimit, leaseSeconds: s.leaseSeconds, retryDelaySeconds: s.retryDelaySeconds, retryBackoff: s.retryBackoff } }));
    setSaved(true);
    settings.reload();
  });
  if (settings.error) return <ErrorBox error={settings.error} />;
  if (!draft) return <p class="muted">loading…</p>;
  const num = (k: 'retryLimit' | 'leaseSeconds' | 'retryDelaySeconds') => (e: { currentTarget: HTMLInputElement }) => {
    setSaved(false);
    setDraft({ ...draft, [k]: Number(e.currentTarget.value) });
  };
  return (
    <form
      class="settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(draft);
      }}
    >
      <h3>
        {queue} <Link href={`/jobs?queue=${encodeURIComponent(queue)}`}>requests →</Link>
      </h3>
      <label>
        Retries after the first attempt
        <input type="number" min={0} max={100} step={1} value={draft.retryLimit} onInput={num('retryLimit')} />
      </label>
      <label>
        Lease (seconds)
        <input type="number" min={0.1} max={86400} step="any" value={draft.leaseSeconds} onInput={num('leaseSeconds')} />
      </label>
      <label>
        Retry delay (seconds)
        <input type="number" min={0} max={86400} step="any" value={draft.retryDelaySeconds} onInput={num('retryDelaySeconds')} />
      </label>
      <label class="check">
        <input type="checkbox" checked={draft.retryBackoff} onChange={(e) => setDraft({ ...draft, retryBackoff: e.currentTarget.checked })} /> doubles the delay per attempt
      </label>
      <button type="submit" disabled={save.busy}>
        Save
      </button>
      {saved ? <span class="ok-text">saved: applies to requests submitted from now on</span> : null}
      <ErrorBox error={save.error} />
    </form>
  );
}
