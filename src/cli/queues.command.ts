import { expectOk } from '../client/herald-client';
import { numberOption, type Command, type CommandContext } from './cli-context';
import { table } from './cli-table';

/** What the CLI shows of a queue: its settings, and its request counts when listed. */
interface QueueRow {
  queueName: string;
  retryLimit: number;
  leaseSeconds: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  pending?: number;
  active?: number;
}

/** Most queues one page of GET /api/v1/queues holds. */
const PAGE_MAX = 1000;

export const queuesCommand: Command = {
  name: 'queues',
  usage: 'herald queues [<queueName>…] [--limit <n>]',
  summary: "named queues: with names, their settings; without, every queue (settings, pending and active requests)",
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const named = ctx.positionals.length > 0;
    const queues = named ? await settingsOf(ctx, ctx.positionals) : await listing(ctx, ctx.values.limit === undefined ? undefined : numberOption(ctx.values, 'limit', 0, 1, 1_000_000));
    if (ctx.json) {
      ctx.printJson({ queues });
      return 0;
    }
    if (queues.length === 0) {
      ctx.print('no queues');
      return 0;
    }
    const settings = (q: QueueRow) => [q.retryLimit, q.leaseSeconds, q.retryDelaySeconds, q.retryBackoff ? 'yes' : 'no'];
    const lines = named
      ? table(['QUEUE', 'RETRIES', 'LEASE (S)', 'RETRY DELAY (S)', 'BACKOFF'], queues.map((q) => [q.queueName, ...settings(q)]))
      : table(['QUEUE', 'PENDING', 'ACTIVE', 'RETRIES', 'LEASE (S)', 'RETRY DELAY (S)', 'BACKOFF'], queues.map((q) => [q.queueName, q.pending ?? 0, q.active ?? 0, ...settings(q)]));
    for (const line of lines) ctx.print(line);
    return 0;
  },
};

/** GET /api/v1/queues/{queueName} for each name, in the order given. */
async function settingsOf(ctx: CommandContext, names: string[]): Promise<QueueRow[]> {
  const client = ctx.client();
  const out: QueueRow[] = [];
  for (const queueName of names) out.push(await expectOk(client.GET('/api/v1/queues/{queueName}', { params: { path: { queueName } } })));
  return out;
}

/** GET /api/v1/queues page after page: to the last one, or until `limit` queues. */
async function listing(ctx: CommandContext, limit: number | undefined): Promise<QueueRow[]> {
  const client = ctx.client();
  const out: QueueRow[] = [];
  let cursor: string | undefined;
  do {
    const query = { limit: Math.min(PAGE_MAX, limit === undefined ? PAGE_MAX : limit - out.length), ...(cursor !== undefined ? { cursor } : {}) };
    const page = await expectOk(client.GET('/api/v1/queues', { params: { query } }));
    out.push(...page.queues);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && (limit === undefined || out.length < limit));
  return out;
}
