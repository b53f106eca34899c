import { useEffect, useRef, useState } from 'preact/hooks';
import { ok } from '../api/failure';
import { herald, type AttemptView, type DeliveryView } from '../api/herald';
import { brief, formatMs, formatTime } from '../lib/format';
import { useAction, usePolled } from '../lib/use-polled';
import { Empty, ErrorBox, Json, StatusBadge } from './basics';

/** Every attempt of one message (GET /api/v1/deliveries/{id}), refreshed while shown. */
function AttemptLog({ id }: { id: string }) {
  const detail = usePolled(() => ok(herald().GET('/api/v1/deliveries/{id}', { params: { path: { id } } })), 1000, [id]);
  if (!detail.data) return detail.error ? <ErrorBox error={detail.error} /> : <p class="muted">loading attempts…</p>;
  const log: AttemptView[] = detail.data.attemptLog;
  return (
    <div class="attempts">
      <ErrorBox error={detail.error} />
      {log.length === 0 ? <Empty>No attempt yet{detail.data.nextAttemptAt ? `: the first is due ${formatTime(detail.data.nextAttemptAt)}` : ''}.</Empty> : null}
      <div class="table-scroll">
        <table class="attempt-table">
          <thead>
            <tr>
              <th>#</th>
              <th>at</th>
              <th>status</th>
              <th>duration</th>
              <th>outcome</th>
              <th>error</th>
              <th>response body</th>
            </tr>
          </thead>
          <tbody>
            {log.map((a) => (
              <tr key={`${a.attempt}-${a.attemptedAt}`} class={`attempt outcome-${a.outcome}`} data-status={a.statusCode ?? ''}>
                <td>{a.attempt}</td>
                <td>{formatTime(a.attemptedAt)}</td>
                <td class="code">{a.statusCode === null ? '—' : `${a.statusCode}${a.statusMessage ? ` ${a.statusMessage}` : ''}`}</td>
                <td>{formatMs(a.durationMs)}</td>
                <td>
                  {a.outcome}
                  {a.endpointState !== 'healthy' ? <span class="muted"> ({a.endpointState})</span> : null}
                </td>
                <td class="code">{a.errorCode ?? '—'}</td>
                <td class="body-cell">{a.responseBody ? <details><summary>{brief(a.responseBody, 40)}</summary><pre class="json">{a.responseBody}</pre></details> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>payload sent</summary>
        <Json value={detail.data.payload} />
      </details>
    </div>
  );
}

const FAILING = new Set(['failed', 'retrying']);

function DeliveryRow({ d, onChanged, openFailing }: { d: DeliveryView; onChanged: () => void; openFailing: boolean }) {
  const [open, setOpen] = useState(openFailing && FAILING.has(d.status));
  const seen = useRef(d.status);
  // A message that starts failing shows its attempts (and keeps them shown once it is delivered again).
  useEffect(() => {
    if (seen.current !== d.status && openFailing && FAILING.has(d.status)) setOpen(true);
    seen.current = d.status;
  }, [d.status, openFailing]);
  const toggle = () => setOpen(!open);
  const resend = useAction(async () => {
    await ok(herald().POST('/api/v1/deliveries/{id}/resend', { params: { path: { id: d.id } } }));
    onChanged();
  });
  return (
    <li class={`delivery delivery-${d.status}`} data-delivery={d.id}>
      <div class="delivery-line">
        <StatusBadge status={d.status} />
        <span class="event-type">{d.eventType}</span>
        <span class="muted">{d.kind}</span>
        <span class="url" title={d.url}>
          {d.url}
        </span>
        <span class="muted">
          {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
          {d.lastStatusCode !== null ? `, last ${d.lastStatusCode}` : ''}
          {d.nextAttemptAt ? `, next ${formatTime(d.nextAttemptAt)}` : ''}
        </span>
        <span class="actions">
          <button type="button" class="ghost" aria-expanded={open} onClick={toggle}>
            {open ? 'Hide attempts' : 'Attempts'}
          </button>
          <button type="button" disabled={resend.busy} onClick={() => void resend.run()}>
            {resend.busy ? 'Resending…' : 'Resend'}
          </button>
        </span>
      </div>
      {d.lastError && d.status !== 'delivered' ? <div class="delivery-error">{d.lastError}</div> : null}
      <ErrorBox error={resend.error} />
      {open ? <AttemptLog id={d.id} /> : null}
    </li>
  );
}

/** Webhook messages with their attempts, each with Resend (POST /api/v1/deliveries/{id}/resend). */
export function DeliveryList({ deliveries, onChanged, openFailing = false }: { deliveries: DeliveryView[]; onChanged: () => void; openFailing?: boolean }) {
  if (deliveries.length === 0) return <Empty>No webhook message.</Empty>;
  return (
    <ul class="deliveries">
      {deliveries.map((d) => (
        <DeliveryRow key={d.id} d={d} onChanged={onChanged} openFailing={openFailing} />
      ))}
    </ul>
  );
}
