import { expectOk, type Schema } from '../client/herald-client';
import { numberOption, positionalsOf, short, sleep, type Colour, type Command } from './cli-context';

type JobEvent = Schema<'JobEvents'>['events'][number];

const JOB_ENDED = new Set(['job.completed', 'job.failed', 'job.stopped']);

const LEVEL_COLOUR: Record<string, Parameters<Colour>[0]> = { error: 'red', critical: 'red', warn: 'yellow', info: 'cyan', debug: 'grey', trace: 'grey' };

/** `2026-12-03T10:00:00.123Z  info   job.started  {"…"}`, coloured by level on a terminal. */
export function eventLine(event: JobEvent, colour: Colour): string {
  const level = event.level.padEnd(5);
  return `${event.createdAt}  ${colour(LEVEL_COLOUR[event.level] ?? 'bold', level)}  ${event.type.padEnd(19)}  ${short(event.data, 120)}`;
}

export const tailCommand: Command = {
  name: 'tail',
  usage: 'herald tail <jobId> [--from-version <n>] [--interval <ms>] [--no-exit]',
  summary: "print a job's events as they happen (ends after the job ends, unless --no-exit)",
  options: { 'from-version': { type: 'string' }, interval: { type: 'string' }, 'no-exit': { type: 'boolean', default: false } },
  async run(ctx) {
    const [jobId] = positionalsOf(ctx, this, 1);
    const intervalMs = numberOption(ctx.values, 'interval', 500, 10, 60_000);
    let fromVersion = numberOption(ctx.values, 'from-version', 1, 1, 2_147_483_647);
    const client = ctx.client();
    for (;;) {
      const page = await expectOk(client.GET('/api/v1/jobs/{jobId}/events', { params: { path: { jobId }, query: { fromVersion, limit: 1000 } } }));
      let ended = false;
      for (const event of page.events) {
        if (ctx.json) ctx.printJson(event);
        else ctx.print(eventLine(event, ctx.colour));
        fromVersion = event.version + 1;
        if (JOB_ENDED.has(event.type)) ended = true;
      }
      // A later page is read at once; the last one waits for new events.
      if (page.nextVersion !== null) continue;
      if ((ended && !ctx.values['no-exit']) || ctx.io.signal.aborted) return 0;
      await sleep(intervalMs, ctx.io.signal);
      if (ctx.io.signal.aborted) return 0;
    }
  },
};
