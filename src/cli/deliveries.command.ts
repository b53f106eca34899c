import { expectOk, type Schema } from '../client/herald-client';
import { numberOption, positionalsOf, UsageError, type Command } from './cli-context';
import { table } from './cli-table';

type Delivery = Schema<'DeliveryView'>;

const STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'superseded', 'cancelled'] as const;

function deliveryRows(deliveries: Delivery[]): string[] {
  return table(
    ['ID', 'KIND', 'EVENT', 'STATUS', 'ATTEMPTS', 'CODE', 'URL'],
    deliveries.map((d) => [d.id, d.kind, d.eventType, d.status, d.attempts, d.lastStatusCode ?? d.lastError, d.url]),
  );
}

export const deliveriesCommand: Command = {
  name: 'deliveries',
  usage: `herald deliveries <jobId> [--status ${STATUSES.join('|')}] [--limit <n>]`,
  summary: "a job's webhook messages: kind, event, status, attempts, last answer",
  options: { status: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const [jobId] = positionalsOf(ctx, this, 1);
    const status = ctx.values.status as (typeof STATUSES)[number] | undefined;
    if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const limit = numberOption(ctx.values, 'limit', 100, 1, 1000);
    const { deliveries } = await expectOk(ctx.client().GET('/api/v1/deliveries', { params: { query: { jobId, limit, ...(status ? { status } : {}) } } }));
    if (ctx.json) ctx.printJson({ deliveries });
    else if (deliveries.length === 0) ctx.print(`no webhook messages for ${jobId}`);
    else for (const line of deliveryRows(deliveries)) ctx.print(line);
    return 0;
  },
};

export const resendCommand: Command = {
  name: 'resend',
  usage: 'herald resend <messageId>',
  summary: 'send a webhook message again (a new attempt now)',
  async run(ctx) {
    const [id] = positionalsOf(ctx, this, 1);
    const delivery = await expectOk(ctx.client().POST('/api/v1/deliveries/{id}/resend', { params: { path: { id } } }));
    if (ctx.json) ctx.printJson(delivery);
    else ctx.print(`${delivery.id} ${delivery.status} (${delivery.attempts} attempts so far) to ${delivery.url}`);
    return 0;
  },
};
