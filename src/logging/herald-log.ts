import { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { chooseFormat, useColors, type HeraldLogLevel, type LogFormatSetting } from './log-settings';

/**
 * One Herald's root logger (pino): every line of that instance goes through it, or through a
 * child of it. Each application makes its own (createApp), so several Heralds in one process
 * (the tests) never write to each other's destination.
 */
export type HeraldLog = Logger;

/** The injection token of the application's HeraldLog. */
export const HERALD_LOG = Symbol('HERALD_LOG');

/**
 * Headers that carry credentials or signatures. Herald logs no headers (a request line names
 * the method, route, path, status, duration and caller only), so this is a second guard: a
 * headers object logged as `headers`, or in a `req` or `res`, has these values censored.
 */
export const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-webhook-secret',
  'webhook-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-fal-key',
]);

export const REDACTED = '[redacted]';

/** Headers with the values of SECRET_HEADERS censored (any case). */
export function censorHeaders(headers: unknown): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}

/** A request or response with its headers censored; a Node one as its method, path (no query), status and headers only. */
function censorMessage(message: unknown): unknown {
  if (message instanceof IncomingMessage) return { method: message.method, path: message.url?.split('?')[0], headers: censorHeaders(message.headers) };
  if (message instanceof ServerResponse) return { statusCode: message.statusCode, headers: censorHeaders(message.getHeaders()) };
  if (!message || typeof message !== 'object' || !('headers' in message)) return message;
  return { ...message, headers: censorHeaders((message as { headers: unknown }).headers) };
}

/** An error as a line carries it: its type, message, stack and code (not its other fields, which may quote data). */
function errorFields(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return { type: err.constructor?.name ?? err.name, message: err.message, stack: err.stack, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) };
}

/**
 * Serializers run only for the keys a line has (pino's redact paths are matched against every
 * line: a third of the cost of a request line, measured): errors, headers, req, res.
 */
export const SERIALIZERS = { err: errorFields, headers: censorHeaders, req: censorMessage, res: censorMessage };

export interface HeraldLogSettings {
  level: HeraldLogLevel;
  format: LogFormatSetting;
}

/** Whether lines go to a terminal (default: stdout's, or none for a destination), and the environment (NO_COLOR). */
export interface LogTerminal {
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
}

/**
 * The root logger for these settings, writing to `destination` (the tests' in-memory stream)
 * or else to stdout. The format is the setting's (chooseFormat: `auto` is pretty on a terminal,
 * and a destination is no terminal): JSON lines with the level's name, an ISO time, pid,
 * hostname and `msg`; or pretty lines (pino-pretty, coloured on a terminal without NO_COLOR).
 * Writes are synchronous (a line is out before process.exit); pretty lines are made in process.
 */
export function createHeraldLog(settings: HeraldLogSettings, destination?: DestinationStream, terminal?: LogTerminal): HeraldLog {
  const common: LoggerOptions = {
    level: settings.level,
    serializers: SERIALIZERS,
  };
  const tty = terminal ?? (destination ? {} : { isTTY: process.stdout.isTTY, env: process.env });
  const out = destination ?? pino.destination({ fd: 1, sync: true });
  if (chooseFormat(settings.format, tty) === 'pretty') {
    const pretty = prettyFactory({
      colorize: useColors(tty.env ?? {}, tty),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    });
    return pino(common, { write: (line: string) => out.write(pretty(line)) });
  }
  return pino({ ...common, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, out);
}

/** A logger that writes nothing (an application made without one). */
export function silentLog(): HeraldLog {
  return pino({ level: 'silent' });
}
