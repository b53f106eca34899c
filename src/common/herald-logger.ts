import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { EmbeddedPostgresError } from '../database/embedded-postgres';

/**
 * Nest's start-up chatter (one line per module wired and per route mapped: most of the lines
 * of a start) is logged at debug; Herald's own lines and Nest's start/stop stay at log.
 */
const DEBUG_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Levels from least to most detailed; HERALD_LOG_LEVEL picks how far down to log. */
export const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function levelsUpTo(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** Colour codes only when both output streams are terminals (and NO_COLOR is not set). */
export function useColors(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout, stderr: { isTTY?: boolean } = process.stderr): boolean {
  return Boolean(stdout.isTTY && stderr.isTTY) && !env.NO_COLOR;
}

function contextOf(params: unknown[]): string | undefined {
  const last = params[params.length - 1];
  return typeof last === 'string' ? last : undefined;
}

export class HeraldLogger extends ConsoleLogger {
  constructor(level: LogLevel = 'log', colors = useColors()) {
    super({ logLevels: levelsUpTo(level), colors });
  }

  override log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context && DEBUG_CONTEXTS.has(context)) return this.debug(message, ...params);
    super.log(message, ...params);
  }

  override error(message: unknown, ...params: unknown[]): void {
    // Start-up problems the operator can fix are printed once, as one sentence, by main.ts.
    if (message instanceof EmbeddedPostgresError) return;
    super.error(message, ...params);
  }
}
