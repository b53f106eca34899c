import { Link } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald, type SubscriptionView } from '../api/herald';
import { brief, formatRate, formatTime } from '../lib/format';
import { useAction } from '../lib/use-polled';
import { Empty, ErrorBox, StatusBadge } from './basics';

type Call = { statusCode?: number | null; message?: string | null; date?: string | null; body?: string | null } | null;

function CallCell({ call }: { call: unknown }) {
  const c = call as Call;
  if (!c) return <span class="muted">—</span>;
  return (
    <span title={c.body ?? undefined}>
      <span class="code">{c.statusCode ?? '—'}</span> {c.message ? brief(c.message, 60) : ''} <span class="muted">{formatTime(c.date)}</span>
    </span>
  );
}

/**
 * Turning a disabled subscription on again (POST /api/v1/subscriptions/{id}/enable), any scope, a
 * job's own webhook included; "and resend" also sends again what failed or was cancelled since it
 * began failing (recoverSince: its failing streak's start, else when it was disabled).
 */
function Reenable({ s, onDone }: { s: SubscriptionView; onDone: () => void }) {
  const enable = (recover: boolean) => async () => {
    const since = s.failingSince ?? s.disabledAt;
    await ok(herald().POST('/api/v1/subscriptions/{id}/enable', { params: { path: { id: s.id } }, body: recover && since ? { recoverSince: since } : {} }));
    onDone();
  };
  const plain = useAction(enable(false));
  const recover = useAction(enable(true));
  const busy = plain.busy || recover.busy;
  return (
    <div class="reenable">
      <button type="button" disabled={busy} onClick={() => void plain.run()}>
        Re-enable
      </button>
      <button type="button" class="ghost" disabled={busy} onClick={() => void recover.run()}>
        Re-enable and resend
      </button>
      <ErrorBox error={plain.error ?? recover.error} />
    </div>
  );
}

function ScopeCell({ s }: { s: SubscriptionView }) {
  if (s.scope === 'job') return <Link href={`/jobs/${encodeURIComponent(s.scopeId)}`}>job {s.scopeId}</Link>;
  const project = s.scope === 'batch' ? s.scopeId.split('/')[0] : s.scopeId;
  return (
    <Link href={`/projects/${encodeURIComponent(project)}`}>
      {s.scope} {s.scopeId}
    </Link>
  );
}

/** The subscription's attempts of the last hour: the share that succeeded (2xx), and of how many. */
function LastHourCell({ lastHour }: { lastHour: SubscriptionView['health']['lastHour'] }) {
  return (
    <td class="last-hour" data-rate={lastHour.successRate ?? ''} title="attempts of the last hour answered 2xx">
      {lastHour.attempts === 0 ? (
        <span class="muted">no attempt</span>
      ) : (
        <>
          <span class="rate">{formatRate(lastHour.successRate)}</span> <span class="muted">({lastHour.succeeded} of {lastHour.attempts})</span>
        </>
      )}
    </td>
  );
}

/** Subscriptions with their health: last call, last error, counts, the last hour's success rate, the endpoint's circuit; disabled ones can be turned on again. */
export function SubscriptionTable({ subscriptions, onChanged, selected, onSelect }: { subscriptions: SubscriptionView[]; onChanged: () => void; selected?: string; onSelect?: (id: string) => void }) {
  if (subscriptions.length === 0) return <Empty>No subscription.</Empty>;
  return (
    <div class="table-scroll">
      <table class="subscriptions">
        <thead>
          <tr>
            <th>scope</th>
            <th>target</th>
            <th>status</th>
            <th>last call</th>
            <th>last error</th>
            <th>delivered / failed / pending / skipped</th>
            <th>last hour</th>
            <th>endpoint</th>
            {onSelect ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((s) => (
            <tr key={s.id} class={s.id === selected ? 'selected' : ''} data-subscription={s.id}>
              <td>
                <ScopeCell s={s} />
                <div class="muted">{s.format}</div>
              </td>
              <td class="url-cell">
                {s.name ? <strong>{s.name} </strong> : null}
                <span class="url">{s.url}</span>
              </td>
              <td>
                <StatusBadge status={s.status} />
                {s.status === 'disabled' ? (
                  <div>
                    <div class="muted">
                      {s.disabledReason ?? ''} {formatTime(s.disabledAt)}
                    </div>
                    <Reenable s={s} onDone={onChanged} />
                  </div>
                ) : s.failingSince ? (
                  <div class="muted">failing since {formatTime(s.failingSince)}</div>
                ) : null}
              </td>
              <td>
                <CallCell call={s.lastCall} />
              </td>
              <td>
                <CallCell call={s.lastError} />
              </td>
              <td class="counts">
                {s.counts.delivered} / {s.counts.failed} / {s.counts.pending} / {s.counts.skipped}
              </td>
              <LastHourCell lastHour={s.health.lastHour} />
              <td>
                <StatusBadge status={s.health.state} />
                {s.health.consecutiveFailures > 0 ? <div class="muted">{s.health.consecutiveFailures} failures in a row</div> : null}
                {s.health.retryAt ? <div class="muted">retry {formatTime(s.health.retryAt)}</div> : null}
              </td>
              {onSelect ? (
                <td>
                  <button type="button" class="ghost" onClick={() => onSelect(s.id)}>
                    Messages
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
