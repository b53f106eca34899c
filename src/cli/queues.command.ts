import { expectOk } from '../client/herald-client';
import { UsageError, type Command } from './cli-context';
import { table } from './cli-table';

export const queuesCommand: Command = {
  name: 'queues',
  usage: 'herald queues <queueName> [<queueName>…]',
  summary: "named queues' settings: retry limit, lease, retry delay and backoff",
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError(`usage: ${this.usage} (Herald has no route listing every queue; name them)`);
    const client = ctx.client();
    const queues = [];
    for (const queueName of ctx.positionals) queues.push(await expectOk(client.GET('/api/v1/queues/{queueName}', { params: { path: { queueName } } })));
    if (ctx.json) ctx.printJson({ queues });
    else
      for (const line of table(
        ['QUEUE', 'RETRIES', 'LEASE (S)', 'RETRY DELAY (S)', 'BACKOFF'],
        queues.map((q) => [q.queueName, q.retryLimit, q.leaseSeconds, q.retryDelaySeconds, q.retryBackoff ? 'yes' : 'no']),
      ))
        ctx.print(line);
    return 0;
  },
};
