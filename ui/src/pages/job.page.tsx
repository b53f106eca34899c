import { useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ok } from '../api/failure';
import { FINAL_STATUSES, herald } from '../api/herald';
import { Card, ConfirmButton, Empty, ErrorBox, Json, ProgressBar, StatusBadge } from '../components/basics';
import { DeliveryList } from '../components/delivery-list';
import { EventTimeline } from '../components/event-timeline';
import { NodeGraph, NodeTable } from '../components/job-nodes';
import { RecoverForm } from '../components/recover-form';
import { formatTime } from '../lib/format';
import { nodeStates } from '../lib/node-states';
import { useJobEvents } from '../lib/use-job-events';
import { useLiveStatus } from '../lib/use-live-status';
import { useAction, usePolled } from '../lib/use-polled';

function Results({ jobId, status }: { jobId: string; status: string }) {
  const final = FINAL_STATUSES.has(status);
  const results = usePolled(() => (final ? ok(herald().GET('/api/v1/exec/results/{jobId}', { params: { path: { jobId } } })) : Promise.resolve(undefined)), null, [jobId, final]);
  if (!final) return <Empty>Results come when the job ends.</Empty>;
  if (results.error) return <ErrorBox error={results.error} />;
  if (!results.data) return <p class="muted">loading…</p>;
  return (
    <div>
      {results.data.data.result.length === 0 ? <Empty>No result entry.</Empty> : null}
      <ul class="results">
        {results.data.data.result.map((r, i) => (
          <li key={i}>
            <strong>{r.nodeName}</strong> {'batchID' in r && r.batchID ? <span class="muted">{r.batchID}</span> : null} {'error' in r ? <span class="badge status-failed">error</span> : null}
            <Json value={'error' in r ? r.error : r.result} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function Audit({ jobId, version }: { jobId: string; version: string }) {
  const trail = usePolled(() => ok(herald().GET('/api/v1/exec/auditTrail/{jobId}', { params: { path: { jobId } } })), null, [jobId, version]);
  if (trail.error) return <ErrorBox error={trail.error} />;
  if (!trail.data) return null;
  return (
    <ul class="audit">
      {trail.data.map((a, i) => (
        <li key={i}>
          <strong>{a.action}</strong> by <span class="code">{a.user}</span> <span class="muted">{formatTime(a.timestamp)}</span>
        </li>
      ))}
    </ul>
  );
}

function JobDeliveries({ jobId }: { jobId: string }) {
  const list = usePolled(() => ok(herald().GET('/api/v1/deliveries', { params: { query: { jobId, limit: 500 } } })), 2000, [jobId]);
  return (
    <Card title="Deliveries" id="deliveries" actions={<RecoverForm jobId={jobId} onDone={list.reload} />}>
      <ErrorBox error={list.error} />
      {list.data ? <DeliveryList deliveries={list.data.deliveries} onChanged={list.reload} openFailing /> : <p class="muted">loading…</p>}
    </Card>
  );
}

export function JobPage({ jobId }: { jobId: string }) {
  const [restart, setRestart] = useState(0);
  const live = useLiveStatus(jobId, restart);
  const { events, error: eventsError } = useJobEvents(jobId);
  const nodes = useMemo(() => nodeStates(events), [events]);
  const s = live.status;
  const command = useAction(async (what: 'stop' | 'pause' | 'resume') => {
    if (what === 'stop') await ok(herald().POST('/api/v1/exec/stop', { body: { jobId } }));
    else if (what === 'pause') await ok(herald().POST('/api/v1/exec/pause', { body: { jobId } }));
    else await ok(herald().POST('/api/v1/exec/resume', { body: { jobId } }));
    setRestart((n) => n + 1);
  });
  const running = s !== undefined && !FINAL_STATUSES.has(s.status);
  return (
    <div class="job-page">
      <p class="crumbs">
        <Link href="/jobs">← Jobs</Link>
      </p>
      <Card
        title={<span class="job-id">{jobId}</span>}
        actions={
          running ? (
            <>
              {s.status === 'paused' ? (
                <button type="button" disabled={command.busy} onClick={() => void command.run('resume')}>
                  Resume
                </button>
              ) : (
                <button type="button" class="ghost" disabled={command.busy} onClick={() => void command.run('pause')}>
                  Pause
                </button>
              )}
              <ConfirmButton label="Stop" confirm="Stop the job?" disabled={command.busy} onConfirm={() => void command.run('stop')} />
            </>
          ) : null
        }
      >
        <ErrorBox error={live.error} />
        <ErrorBox error={command.error} />
        {s ? (
          <div class="job-head">
            <div class="job-facts">
              <StatusBadge status={s.status} />
              <span>pipeline {s.pipeline}</span>
              {s.projectId ? <Link href={`/projects/${encodeURIComponent(s.projectId)}`}>project {s.projectId}</Link> : null}
              {s.batchId ? <span>batch {s.batchId}</span> : null}
              <span class="muted">updated {formatTime(s.timestamp)}</span>
              <span class="muted small" title="how this page follows the job">
                {live.mode === 'stream' ? 'live (stream)' : live.mode === 'polling' ? 'live (every second)' : live.mode === 'done' ? 'ended' : 'connecting'}
              </span>
            </div>
            <ProgressBar progress={s.data.progress} status={s.status} />
            <p class="muted small">{s.data.details}</p>
            {s.error ? <p class="error">{s.nodeName ? `${s.nodeName}: ` : ''}{s.error}</p> : null}
            {s.reason ? <p class="muted">{s.reason}</p> : null}
          </div>
        ) : !live.error ? (
          <p class="muted">loading…</p>
        ) : null}
      </Card>
      <Card title="Nodes">
        <ErrorBox error={eventsError} />
        <NodeGraph nodes={nodes} />
        <NodeTable nodes={nodes} />
      </Card>
      <JobDeliveries jobId={jobId} />
      <Card title="Results">{s ? <Results jobId={jobId} status={s.status} /> : null}</Card>
      <Card title="Events">
        <EventTimeline events={events} />
      </Card>
      <Card title="Audit trail">
        <Audit jobId={jobId} version={s?.status ?? ""} />
      </Card>
    </div>
  );
}
