/**
 * The two logging settings (HERALD_LOG_LEVEL, HERALD_LOG_FORMAT) as plain values: which names
 * they accept and what they come to. Pure: config.ts reads them, herald-log.ts acts on them.
 */

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type HeraldLogLevel = (typeof LOG_LEVELS)[number];

/** Nest's level names (HERALD_LOG_LEVEL spoke them before) and the pino level each one is. */
const NEST_NAMES: Record<string, HeraldLogLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** Every name HERALD_LOG_LEVEL accepts, for error messages. */
export const LEVEL_NAMES = [...new Set([...LOG_LEVELS, ...Object.keys(NEST_NAMES)])];

/** The pino level of a level name (pino's or Nest's, any case); undefined for anything else. */
export function levelOf(name: string): HeraldLogLevel | undefined {
  const value = name.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as HeraldLogLevel;
  return NEST_NAMES[value];
}

/**
 * The level that logs every one of these Nest levels (the most detailed of them): how
 * `createApp(config, { logger: ['error', 'warn'] })` is read. None: silent.
 */
export function levelOfNestLevels(levels: readonly string[]): HeraldLogLevel {
  const wanted = levels.map(levelOf).filter((l): l is HeraldLogLevel => l !== undefined && l !== 'silent');
  if (wanted.length === 0) return 'silent';
  return wanted.reduce((a, b) => (LOG_LEVELS.indexOf(b) > LOG_LEVELS.indexOf(a) ? b : a));
}

/** JSON lines (one object a line, for a log pipeline) or pretty (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';
/** HERALD_LOG_FORMAT: json, pretty, or auto (unset): pretty when stdout is a terminal, else JSON. */
export type LogFormatSetting = LogFormat | 'auto';
export const LOG_FORMATS: readonly LogFormatSetting[] = ['json', 'pretty', 'auto'];

export function formatOf(name: string): LogFormatSetting | undefined {
  const value = name.trim().toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(value) ? (value as LogFormatSetting) : undefined;
}

/** The format lines are written in: the setting, or for `auto` whether stdout is a terminal. */
export function chooseFormat(setting: LogFormatSetting, stdout: { isTTY?: boolean }): LogFormat {
  if (setting !== 'auto') return setting;
  return stdout.isTTY ? 'pretty' : 'json';
}

/** Colour codes in pretty lines only on a terminal, and not when NO_COLOR is set. */
export function useColors(env: Record<string, string | undefined>, stdout: { isTTY?: boolean }): boolean {
  return Boolean(stdout.isTTY) && !env.NO_COLOR;
}
