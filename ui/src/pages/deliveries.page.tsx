import { useEffect, useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { ok } from '../api/failure';
import { herald, type DeliveryView, type SubscriptionView } from '../api/herald';
import { Card, ErrorBox } from '../components/basics';
import { DeliveryList } from '../components/delivery-list';
import { RecoverForm } from '../components/recover-form';
import { SubscriptionTable } from '../components/subscription-table';
import { walkPages } from '../lib/delivery-pages';
import { usePolled } from '../lib/use-polled';

const MESSAGE_STATUSES = ['', 'pending', 'retrying', 'delivered', 'failed', 'superseded', 'cancelled'] as const;
type MessageStatus = Exclude<(typeof MESSAGE_STATUSES)[number], ''>;

interface Filters {
  jobId: string;
  status: string;
  subscription: string;
  subscriptions: string;
}

function filtersOf(search: string): Filters {
  const p = new URLSearchParams(search);
  return { jobId: p.get('jobId') ?? '', status: p.get('status') ?? '', subscription: p.get('subscription') ?? '', subscriptions: p.get('subscriptions') ?? '' };
}

function groupBySubscription(deliveries: DeliveryView[]): Array<[string, DeliveryView[]]> {
  const groups = new Map<string, DeliveryView[]>();
  for (const d of deliveries) groups.set(d.subscriptionId, [...(groups.get(d.subscriptionId) ?? []), d]);
  return [...groups];
}

/** Messages per page of the list; "More" adds one. */
const PAGE = 50;

/** Webhook messages and their attempts, by subscription: every filter (job, status, subscription) applied by Herald. */
export function DeliveriesPage() {
  const [, navigate] = useLocation();
  const search = useSearch();
  const f = filtersOf(search);
  // How many pages are shown, for these filters (other filters start again at one).
  const listKey = `${f.jobId}|${f.status}|${f.subscription}`;
  const [shown, setShown] = useState({ key: listKey, pages: 1 });
  const pages = shown.key === listKey ? shown.pages : 1;
  const [draft, setDraft] = useState(f);
  useEffect(() => setDraft(filtersOf(search)), [search]);
  const apply = (next: Filters) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
    const qs = p.toString();
    navigate(`/deliveries${qs ? `?${qs}` : ''}`, { replace: true });
  };

  const subs = usePolled(
    () => ok(herald().GET('/api/v1/subscriptions', { params: { query: { ...(f.subscriptions === 'active' || f.subscriptions === 'disabled' ? { status: f.subscriptions } : {}), ...(f.jobId ? { jobId: f.jobId } : {}), limit: 500 } } })),
    5000,
    [f.subscriptions, f.jobId],
  );
  const messages = usePolled(
    () =>
      walkPages(pages, (cursor) =>
        ok(
          herald().GET('/api/v1/deliveries', {
            params: {
              query: {
                ...(f.jobId ? { jobId: f.jobId } : {}),
                ...(f.status ? { status: f.status as MessageStatus } : {}),
                ...(f.subscription ? { subscriptionId: f.subscription } : {}),
                limit: PAGE,
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
    3000,
    [f.jobId, f.status, f.subscription, pages],
  );
  const byId = new Map<string, SubscriptionView>((subs.data?.subscriptions ?? []).map((s) => [s.id, s]));
  const listed = messages.data?.deliveries ?? [];

  return (
    <div>
      <Card title="Messages" actions={<RecoverForm jobId={f.jobId || undefined} onDone={messages.reload} />}>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            apply(draft);
          }}
        >
          <label>
            Job
            <input type="search" name="jobId" value={draft.jobId} placeholder="job id" onInput={(e) => setDraft({ ...draft, jobId: e.currentTarget.value })} />
          </label>
          <label>
            Status
            <select name="status" value={draft.status} onChange={(e) => apply({ ...draft, status: e.currentTarget.value })}>
              {MESSAGE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s || 'any'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Subscription
            <select name="subscription" value={draft.subscription} onChange={(e) => apply({ ...draft, subscription: e.currentTarget.value })}>
              <option value="">any</option>
              {[...byId.values()].map((s) => (
                <option key={s.id} value={s.id}>
                  {s.scope} {s.name ?? s.url}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
        <ErrorBox error={messages.error} />
        {messages.data ? (
          groupBySubscription(listed).map(([id, list]) => {
            const s = byId.get(id);
            return (
              <section key={id} class="group">
                <h3>
                  {s ? `${s.scope} ${s.scopeId}` : 'subscription'} <span class="url">{s?.url ?? id}</span>
                </h3>
                <DeliveryList deliveries={list} onChanged={messages.reload} />
              </section>
            );
          })
        ) : (
          <p class="muted">loading…</p>
        )}
        {messages.data && listed.length === 0 ? <p class="empty">No webhook message.</p> : null}
        {messages.data?.nextCursor ? (
          <div class="pager">
            <span class="muted">{listed.length} messages shown</span>
            {/* Off while the page asked for is being read. */}
            <button type="button" class="ghost" disabled={listed.length < pages * PAGE} onClick={() => setShown({ key: listKey, pages: pages + 1 })}>
              More
            </button>
          </div>
        ) : null}
      </Card>
      <Card
        title="Subscriptions"
        actions={
          <select aria-label="subscription status" value={f.subscriptions} onChange={(e) => apply({ ...f, subscriptions: e.currentTarget.value })}>
            <option value="">all</option>
            <option value="active">active</option>
            <option value="disabled">disabled</option>
          </select>
        }
      >
        <ErrorBox error={subs.error} />
        {subs.data ? <SubscriptionTable subscriptions={subs.data.subscriptions} onChanged={subs.reload} selected={f.subscription} onSelect={(id) => apply({ ...f, subscription: id })} /> : <p class="muted">loading…</p>}
      </Card>
    </div>
  );
}
