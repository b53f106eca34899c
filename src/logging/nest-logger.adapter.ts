import type { LoggerService } from '@nestjs/common';
import { EmbeddedPostgresError } from '../database/embedded-postgres';
import { MigrationsPendingError } from '../database/migrate';
import type { HeraldLog } from './herald-log';

/**
 * Nest's start-up chatter (one line per module wired and per route mapped: most of the lines
 * of a start) is logged at debug; Herald's own lines and Nest's start/stop stay at info.
 */
export const DEBUG_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** A stack trace, as Nest passes it after an error's message. */
const STACK = /\n\s*at /;

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger interface (what `new Logger('Context').log(...)` and Nest itself call) over a
 * HeraldLog: the context becomes the line's `context`, an Error (or a stack passed after a
 * message) its `err`. Nest keeps one such logger per process (Logger.overrideLogger), so lines
 * that must reach their own application's destination use the injected HeraldLog instead.
 */
export class NestLoggerAdapter implements LoggerService {
  constructor(private readonly root: HeraldLog) {}

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const rest = [...params];
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' && !STACK.test(last) ? (rest.pop() as string) : undefined;
    if (level === 'info' && context !== undefined && DEBUG_CONTEXTS.has(context)) {
      if (!this.root.isLevelEnabled('debug')) return;
      level = 'debug';
    }
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    const stack = rest.find((p): p is string => typeof p === 'string' && STACK.test(p));
    let msg: string;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'string') {
      msg = message;
      if (stack) fields.err = { type: 'Error', message, stack };
    } else {
      msg = typeof message === 'object' && message !== null && typeof (message as { message?: unknown }).message === 'string' ? (message as { message: string }).message : String(message);
    }
    this.root[level](fields, msg);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Start-up problems the operator can fix are printed once, as one sentence, by main.ts.
    if (message instanceof EmbeddedPostgresError || message instanceof MigrationsPendingError) return;
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
