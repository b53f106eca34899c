import { expectOk } from '../client/herald-client';
import { numberOption, UsageError, type Command } from './cli-context';
import { table } from './cli-table';

const STATUSES = ['pending', 'active', 'paused', 'completed', 'failed', 'stopped'] as const;

export const jobsCommand: Command = {
  name: 'jobs',
  usage: `herald jobs [--status ${STATUSES.join('|')}] [--pipeline <name>] [--limit <n>] [--cursor <c>]`,
  summary: 'pipeline jobs, newest first',
  options: { status: { type: 'string' }, pipeline: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`usage: ${this.usage}`);
    const status = ctx.values.status as (typeof STATUSES)[number] | undefined;
    if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const query = {
      limit: numberOption(ctx.values, 'limit', 50, 1, 1000),
      ...(status ? { status } : {}),
      ...(typeof ctx.values.pipeline === 'string' ? { pipeline: ctx.values.pipeline } : {}),
      ...(typeof ctx.values.cursor === 'string' ? { cursor: ctx.values.cursor } : {}),
    };
    const page = await expectOk(ctx.client().GET('/api/v1/exec/jobs', { params: { query } }));
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.jobs.length === 0) ctx.print('no jobs');
    else for (const line of table(['JOB', 'STATUS', 'PROGRESS', 'UPDATED'], page.jobs.map((j) => [j.jobId, j.status, `${j.data.progress}%`, j.timestamp]))) ctx.print(line);
    if (page.nextCursor) ctx.print(`more: herald jobs --cursor ${page.nextCursor}`);
    return 0;
  },
};
