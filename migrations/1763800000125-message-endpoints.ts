import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexesConcurrently, type ConcurrentIndex } from './concurrent-indexes';

/**
 * The endpoint backlog of GET /metrics (src/metrics/infrastructure/metrics.repository.ts,
 * docs/METRICS.md) read from one partial index, whatever the number of subscriptions with open
 * messages: each open message carries its endpoint, so that the backlog per endpoint is one
 * index-only pass over the open messages instead of a lookup of every subscription that has any.
 *
 *  - `webhook_subscriptions.endpoint`: the origin of the subscription's URL (scheme://host[:port],
 *    lower case, no credentials, no default port: URL.origin), set by a trigger when the row is
 *    inserted or its URL changes (once per subscription, not per message). Older rows are filled
 *    here when they may still get messages (every non-job subscription, and those with open
 *    messages); the others are read from their URL if they ever get one.
 *  - `webhook_messages.endpoint`: the subscription's endpoint, copied by a trigger when a message
 *    is inserted (one primary-key lookup of its subscription, which the foreign key check makes
 *    too) or opened again without one (a resend of a message older than this migration); moved
 *    with the open messages of a subscription whose URL changes. Filled here for the open ones.
 *  - `webhook_messages_open_endpoint_idx (endpoint, created_at) WHERE status IN ('pending',
 *    'retrying')`: the backlog per endpoint, the number of endpoints with one, the total and the
 *    oldest open message. It replaces webhook_messages_open_idx (migration 055, the open messages
 *    per subscription, read by the metrics alone), so a message still costs one partial-index
 *    entry. Built CONCURRENTLY (outside a transaction) so that a large webhook_messages table
 *    keeps taking writes meanwhile; an index left invalid by an interrupted build is built again.
 *
 * Nullable columns without a default: adding them rewrites nothing. Every step can run again.
 */
const OPEN = `status IN ('pending', 'retrying')`;

const NEW_INDEX: ConcurrentIndex[] = [
  {
    name: 'webhook_messages_open_endpoint_idx',
    create: `CREATE INDEX CONCURRENTLY webhook_messages_open_endpoint_idx ON webhook_messages (endpoint, created_at) WHERE ${OPEN}`,
  },
];
const OLD_INDEX: ConcurrentIndex[] = [
  {
    name: 'webhook_messages_open_idx',
    create: `CREATE INDEX CONCURRENTLY webhook_messages_open_idx ON webhook_messages (subscription_id) WHERE ${OPEN}`,
  },
];

/** URL.origin in SQL: scheme and host lower case, credentials, path, query and fragment dropped, a default port left out. */
const ENDPOINT_OF = `
CREATE OR REPLACE FUNCTION herald_endpoint_of(url text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE e text := lower(regexp_replace(url, '^([A-Za-z][A-Za-z0-9+.-]*://)(?:[^@/?#]*@)?([^/?#]*).*$', '\\1\\2'));
BEGIN
  IF e LIKE 'http://%:80' OR e LIKE 'https://%:443' THEN e := regexp_replace(e, ':[0-9]+$', ''); END IF;
  RETURN e;
END $$`;

const SUBSCRIPTION_ENDPOINT = `
CREATE OR REPLACE FUNCTION herald_subscription_endpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.endpoint := herald_endpoint_of(NEW.url);
  RETURN NEW;
END $$`;

const SUBSCRIPTION_MOVED = `
CREATE OR REPLACE FUNCTION herald_subscription_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE webhook_messages SET endpoint = NEW.endpoint
   WHERE subscription_id = NEW.id AND ${OPEN} AND endpoint IS DISTINCT FROM NEW.endpoint;
  RETURN NULL;
END $$`;

const MESSAGE_ENDPOINT = `
CREATE OR REPLACE FUNCTION herald_message_endpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(s.endpoint, herald_endpoint_of(s.url)) INTO NEW.endpoint FROM webhook_subscriptions s WHERE s.id = NEW.subscription_id;
  RETURN NEW;
END $$`;

const TRIGGERS = [
  `CREATE OR REPLACE TRIGGER webhook_subscriptions_endpoint BEFORE INSERT OR UPDATE OF url ON webhook_subscriptions
     FOR EACH ROW EXECUTE FUNCTION herald_subscription_endpoint()`,
  `CREATE OR REPLACE TRIGGER webhook_subscriptions_moved AFTER UPDATE OF url ON webhook_subscriptions
     FOR EACH ROW WHEN (OLD.endpoint IS DISTINCT FROM NEW.endpoint) EXECUTE FUNCTION herald_subscription_moved()`,
  // The update path pays a comparison per row (status is set by every update of a message), no call.
  `CREATE OR REPLACE TRIGGER webhook_messages_endpoint BEFORE INSERT OR UPDATE OF status ON webhook_messages
     FOR EACH ROW WHEN (NEW.endpoint IS NULL AND NEW.${OPEN}) EXECUTE FUNCTION herald_message_endpoint()`,
];

export class MessageEndpoints1763800000125 implements MigrationInterface {
  name = 'MessageEndpoints1763800000125';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(ENDPOINT_OF);
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN IF NOT EXISTS endpoint text`);
    await q.query(`ALTER TABLE webhook_messages ADD COLUMN IF NOT EXISTS endpoint text`);
    for (const fn of [SUBSCRIPTION_ENDPOINT, SUBSCRIPTION_MOVED, MESSAGE_ENDPOINT]) await q.query(fn);
    for (const trigger of TRIGGERS) await q.query(trigger);
    // From here on every new or reopened message gets its endpoint; the rows written before are filled.
    await q.query(`
      UPDATE webhook_subscriptions s SET endpoint = herald_endpoint_of(s.url)
       WHERE s.endpoint IS NULL
         AND (s.scope <> 'job' OR s.id IN (SELECT m.subscription_id FROM webhook_messages m WHERE m.${OPEN}))`);
    await q.query(`
      UPDATE webhook_messages m SET endpoint = coalesce(s.endpoint, herald_endpoint_of(s.url))
        FROM webhook_subscriptions s
       WHERE s.id = m.subscription_id AND m.${OPEN} AND m.endpoint IS NULL`);
    await createIndexesConcurrently(q, NEW_INDEX);
    await dropIndexesConcurrently(q, OLD_INDEX);
  }

  async down(q: QueryRunner): Promise<void> {
    await createIndexesConcurrently(q, OLD_INDEX);
    await dropIndexesConcurrently(q, NEW_INDEX);
    await q.query(`DROP TRIGGER IF EXISTS webhook_messages_endpoint ON webhook_messages`);
    await q.query(`DROP TRIGGER IF EXISTS webhook_subscriptions_moved ON webhook_subscriptions`);
    await q.query(`DROP TRIGGER IF EXISTS webhook_subscriptions_endpoint ON webhook_subscriptions`);
    await q.query(`DROP FUNCTION IF EXISTS herald_message_endpoint(), herald_subscription_moved(), herald_subscription_endpoint(), herald_endpoint_of(text)`);
    await q.query(`ALTER TABLE webhook_messages DROP COLUMN IF EXISTS endpoint`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN IF EXISTS endpoint`);
  }
}
