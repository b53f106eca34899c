import { UsageError, type Command } from './cli-context';

export const startCommand: Command = {
  name: 'start',
  usage: 'herald start',
  summary: 'run the Herald service (as `npm start`; configured by the environment, see README.md)',
  run(ctx) {
    if (ctx.positionals.length) return Promise.reject(new UsageError(`usage: ${this.usage}`));
    // main.ts starts the service when loaded and keeps the process alive until a signal ends it.
    require('../main');
    return new Promise<number>(() => undefined);
  },
};
