import { useState } from 'preact/hooks';
import { ok } from '../api/failure';
import { herald, type ChannelTestAttempt, type ChannelView } from '../api/herald';
import { formatMs } from '../lib/format';
import { useAction, usePolled } from '../lib/use-polled';
import { Card, ConfirmButton, Empty, ErrorBox, StatusBadge } from './basics';

const ROUTABLE = ['job.submitted', 'job.completed', 'job.failed', 'job.stopped', 'task.failed', 'task.retried', 'delivery.exhausted', 'subscription.disabled'] as const;

function ChannelItem({ projectId, c, onChanged }: { projectId: string; c: ChannelView; onChanged: () => void }) {
  const path = { projectId, id: c.id };
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.name ?? '');
  const [url, setUrl] = useState(c.url);
  const [tested, setTested] = useState<ChannelTestAttempt>();
  const save = useAction(async (body: { name?: string; url?: string }) => {
    await ok(herald().PATCH('/api/v1/projects/{projectId}/channels/{id}', { params: { path }, body }));
    setEditing(false);
    onChanged();
  });
  const test = useAction(async () => setTested(await ok(herald().POST('/api/v1/projects/{projectId}/channels/{id}/test', { params: { path } }))));
  const remove = useAction(async () => {
    await ok(herald().DELETE('/api/v1/projects/{projectId}/channels/{id}', { params: { path } }));
    onChanged();
  });
  return (
    <li class="channel" data-channel={c.id}>
      <div class="delivery-line">
        <StatusBadge status={c.status} />
        <strong>{c.name}</strong>
        <span class="url">{c.url}</span>
        <span class="muted">{c.events.length ? c.events.join(', ') : 'no routing'}</span>
        <span class="actions">
          {c.status === 'disabled' ? (
            <button type="button" onClick={() => void save.run({ url: c.url })}>
              Re-enable
            </button>
          ) : null}
          <button type="button" class="ghost" onClick={() => setEditing(!editing)}>
            Edit
          </button>
          <button type="button" disabled={test.busy} onClick={() => void test.run()}>
            {test.busy ? 'Sending…' : 'Test-send'}
          </button>
          <ConfirmButton label="Delete" confirm="Delete channel?" onConfirm={() => void remove.run()} />
        </span>
      </div>
      {editing ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run({ name, url });
          }}
        >
          <input aria-label="channel name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <input type="url" aria-label="channel URL" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          <button type="submit" disabled={save.busy}>
            Save
          </button>
        </form>
      ) : null}
      {tested ? (
        <p class={tested.outcome === 'delivered' ? 'ok-text' : 'error'}>
          test {tested.outcome}: {tested.statusCode ?? tested.errorCode ?? '—'} {tested.statusMessage ?? ''} in {formatMs(tested.durationMs)}
          {tested.responseBody ? ` · ${tested.responseBody.slice(0, 200)}` : ''}
        </p>
      ) : null}
      <ErrorBox error={save.error ?? test.error ?? remove.error} />
    </li>
  );
}

/** Notification channels and their routings (event type → channel). A routing has no edit route: delete it and create another. */
export function ChannelsCard({ projectId }: { projectId: string }) {
  const channels = usePolled(() => ok(herald().GET('/api/v1/projects/{projectId}/channels', { params: { path: { projectId } } })), 5000, [projectId]);
  const routings = usePolled(() => ok(herald().GET('/api/v1/projects/{projectId}/routings', { params: { path: { projectId } } })), 5000, [projectId]);
  const [draft, setDraft] = useState({ name: '', url: '', secret: '' });
  const [route, setRoute] = useState<{ event: string; channelId: string }>({ event: ROUTABLE[0], channelId: '' });
  const reload = () => {
    channels.reload();
    routings.reload();
  };
  const create = useAction(async () => {
    await ok(herald().POST('/api/v1/projects/{projectId}/channels', { params: { path: { projectId } }, body: { name: draft.name, url: draft.url, ...(draft.secret ? { secret: draft.secret } : {}) } }));
    setDraft({ name: '', url: '', secret: '' });
    reload();
  });
  const addRoute = useAction(async () => {
    await ok(herald().POST('/api/v1/projects/{projectId}/routings', { params: { path: { projectId } }, body: { event: route.event as (typeof ROUTABLE)[number], channelId: route.channelId } }));
    reload();
  });
  const removeRoute = useAction(async (id: string) => {
    await ok(herald().DELETE('/api/v1/projects/{projectId}/routings/{id}', { params: { path: { projectId, id } } }));
    reload();
  });
  const list = channels.data?.channels ?? [];
  const nameOf = (id: string) => list.find((c) => c.id === id)?.name ?? id;
  return (
    <>
      <Card title="Channels">
        <ErrorBox error={channels.error} />
        {channels.data && list.length === 0 ? <Empty>No channel.</Empty> : null}
        <ul class="deliveries">
          {list.map((c) => (
            <ChannelItem key={c.id} projectId={projectId} c={c} onChanged={reload} />
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <input aria-label="new channel name" placeholder="name" value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} required />
          <input type="url" aria-label="new channel URL" placeholder="https://…" value={draft.url} onInput={(e) => setDraft({ ...draft, url: e.currentTarget.value })} required />
          <input type="password" aria-label="new channel secret" placeholder="whsec_… (optional)" value={draft.secret} onInput={(e) => setDraft({ ...draft, secret: e.currentTarget.value })} />
          <button type="submit" disabled={create.busy}>
            Create channel
          </button>
        </form>
        <ErrorBox error={create.error} />
      </Card>
      <Card title="Routings">
        <ErrorBox error={routings.error ?? removeRoute.error} />
        {routings.data && routings.data.routings.length === 0 ? <Empty>No routing.</Empty> : null}
        <ul class="deliveries">
          {(routings.data?.routings ?? []).map((r) => (
            <li key={r.id} class="delivery-line">
              <span class="event-type">{r.event}</span> → <strong>{nameOf(r.channelId)}</strong>
              <span class="actions">
                <ConfirmButton label="Delete" confirm="Delete routing?" onConfirm={() => void removeRoute.run(r.id)} />
              </span>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void addRoute.run();
          }}
        >
          <select aria-label="event" value={route.event} onChange={(e) => setRoute({ ...route, event: e.currentTarget.value })}>
            {ROUTABLE.map((ev) => (
              <option key={ev} value={ev}>
                {ev}
              </option>
            ))}
          </select>
          <select aria-label="channel" value={route.channelId} onChange={(e) => setRoute({ ...route, channelId: e.currentTarget.value })} required>
            <option value="">channel…</option>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={addRoute.busy || !route.channelId}>
            Add routing
          </button>
        </form>
        <ErrorBox error={addRoute.error} />
      </Card>
    </>
  );
}
