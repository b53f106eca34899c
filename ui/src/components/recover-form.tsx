import { useState } from 'preact/hooks';
import { ok } from '../api/failure';
import { herald } from '../api/herald';
import { localInputValue } from '../lib/format';
import { useAction } from '../lib/use-polled';
import { ErrorBox } from './basics';

/** "Recover since…": every message that failed for good since a time is queued again (POST /api/v1/deliveries/recover). */
export function RecoverForm({ jobId, onDone }: { jobId?: string; onDone: () => void }) {
  const [since, setSince] = useState(localInputValue(new Date(Date.now() - 3600_000)));
  const [answer, setAnswer] = useState<string>();
  const recover = useAction(async () => {
    const at = new Date(since);
    const r = await ok(herald().POST('/api/v1/deliveries/recover', { body: { since: Number.isNaN(at.getTime()) ? since : at.toISOString(), ...(jobId ? { jobId } : {}) } }));
    setAnswer(`${r.recovered} message${r.recovered === 1 ? '' : 's'} queued again`);
    onDone();
  });
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        setAnswer(undefined);
        void recover.run();
      }}
    >
      <label>
        Recover failed messages since
        <input type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} required />
      </label>
      <button type="submit" disabled={recover.busy}>
        Recover since…
      </button>
      {answer ? <span class="ok-text">{answer}</span> : null}
      <ErrorBox error={recover.error} />
    </form>
  );
}
