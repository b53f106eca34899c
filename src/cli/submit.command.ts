import { existsSync, readFileSync } from 'node:fs';
import { expectOk, type Schema } from '../client/herald-client';
import { CommandError, numberOption, positionalsOf, sleep, short, UsageError, type Command, type CommandContext } from './cli-context';

type Status = Schema<'StatusView'>;
type Results = Schema<'ResultsView'>;
type Pipeline = Schema<'PipelineRequest'>;

const TERMINAL = new Set(['completed', 'failed', 'stopped']);

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${what} ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${path} is not valid JSON`);
  }
}

/** --flow-input: a file when one exists at that path, else the JSON text itself. */
function flowInputOf(value: string): unknown {
  if (existsSync(value)) return readJson(value, '--flow-input file');
  try {
    return JSON.parse(value);
  } catch {
    throw new UsageError('--flow-input is neither a readable file nor valid JSON');
  }
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The lines of a status on a terminal: overall progress, then one line per active node. */
export function progressLines(status: Status): string[] {
  const lines = [`${status.jobId}  ${status.status}  ${bar(Number(status.data.progress) / 100)} ${status.data.details}`];
  for (const node of status.data.activeNodes) {
    const done = node.batch.total - node.batch.active;
    lines.push(`  ${node.nodeName} (${node.algorithmName})  ${bar(node.batch.total ? done / node.batch.total : 0, 16)} ${done}/${node.batch.total}${node.progress ? `  ${node.progress}` : ''}`);
  }
  return lines;
}

function resultLines(results: Results): string[] {
  const lines = results.data.result.map((entry) => {
    const where = entry.batchID ?? entry.nodeName;
    return 'error' in entry ? `  ${where}: error ${short(entry.error, 200)}` : `  ${where}: ${short(entry.result, 200)}`;
  });
  if (results.error) lines.push(`error: ${results.error}`);
  if (results.reason) lines.push(`reason: ${results.reason}`);
  return lines;
}

async function waitFor(ctx: CommandContext, jobId: string, intervalMs: number): Promise<Status> {
  const client = ctx.client();
  const tty = Boolean(ctx.io.out.isTTY) && !ctx.json;
  let drawn = 0;
  let lastDetails = '';
  for (;;) {
    const status = await expectOk(client.GET('/api/v1/exec/status/{jobId}', { params: { path: { jobId } } }));
    if (tty) {
      const lines = progressLines(status);
      // Redraw in place: up over the previous drawing, clear it, write the new one.
      ctx.io.out.write(`${drawn ? `\x1b[${drawn}A` : ''}\x1b[0J${lines.join('\n')}\n`);
      drawn = lines.length;
    } else if (!ctx.json && status.data.details !== lastDetails) {
      lastDetails = status.data.details;
      ctx.print(`${status.status} ${status.data.details}`);
    }
    if (TERMINAL.has(status.status)) return status;
    if (ctx.io.signal.aborted) throw new CommandError(`stopped waiting; ${jobId} is ${status.status}`);
    await sleep(intervalMs, ctx.io.signal);
  }
}

export const submitCommand: Command = {
  name: 'submit',
  usage: 'herald submit <pipeline.json> [--flow-input <file|json>] [--wait] [--interval <ms>]',
  summary: 'submit a pipeline; with --wait show its progress and results (exit 0 only when it completed)',
  options: { 'flow-input': { type: 'string' }, wait: { type: 'boolean', default: false }, interval: { type: 'string' } },
  async run(ctx) {
    const [file] = positionalsOf(ctx, this, 1);
    const intervalMs = numberOption(ctx.values, 'interval', 500, 10, 60_000);
    const pipeline = readJson(file, 'pipeline file');
    if (typeof pipeline !== 'object' || pipeline === null || Array.isArray(pipeline)) throw new UsageError(`pipeline file ${file} must hold a JSON object`);
    const flowInput = ctx.values['flow-input'];
    const body = { ...pipeline, ...(typeof flowInput === 'string' ? { flowInput: flowInputOf(flowInput) } : {}) } as Pipeline;
    const client = ctx.client();
    const { jobId } = await expectOk(client.POST('/api/v1/exec/raw', { body }));
    if (!ctx.values.wait) {
      if (ctx.json) ctx.printJson({ jobId });
      else ctx.print(jobId);
      return 0;
    }
    if (!ctx.json) ctx.print(jobId);
    const status = await waitFor(ctx, jobId, intervalMs);
    const results = await expectOk(client.GET('/api/v1/exec/results/{jobId}', { params: { path: { jobId } } }));
    if (ctx.json) ctx.printJson({ jobId, status: status.status, results: results.data.result, ...(results.error ? { error: results.error } : {}), ...(results.reason ? { reason: results.reason } : {}) });
    else {
      ctx.print(`${ctx.colour(status.status === 'completed' ? 'green' : 'red', status.status)}: ${status.data.details}`);
      for (const line of resultLines(results)) ctx.print(line);
    }
    return status.status === 'completed' ? 0 : 1;
  },
};
