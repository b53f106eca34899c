import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createHeraldClient, HeraldApiError, type HeraldClient } from '../client/herald-client';

/** Bad usage: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** A refusal or failure worth one line on stderr, exit code 1. */
export class CommandError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Ends when the command should stop (SIGINT / SIGTERM). */
  signal: AbortSignal;
}

export interface CommandContext {
  io: Io;
  positionals: string[];
  values: Values;
  json: boolean;
  /** The client of --url / HERALD_URL with --key / HERALD_API_KEY. */
  client(): HeraldClient;
  url(): string;
  print(line?: string): void;
  /** One JSON document (machine output). */
  printJson(value: unknown): void;
  colour: Colour;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options?: Options;
  run(ctx: CommandContext): Promise<number>;
}

export const COMMON_OPTIONS: Options = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, grey: 90, bold: 1 } as const;
export type Colour = (name: keyof typeof CODES, text: string) => string;

/** ANSI colour only on a terminal and without NO_COLOR. */
export function colourFor(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colour {
  const on = Boolean(out.isTTY) && env.NO_COLOR === undefined;
  return (name, text) => (on ? `\x1b[${CODES[name]}m${text}\x1b[0m` : text);
}

export function parseCommandArgs(command: Command, argv: string[]): { positionals: string[]; values: Values } {
  try {
    const { positionals, values } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    return { positionals, values };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
}

export function contextFor(io: Io, positionals: string[], values: Values): CommandContext {
  const json = values.json === true;
  const url = () => String(values.url ?? io.env.HERALD_URL ?? 'http://localhost:3000');
  let client: HeraldClient | undefined;
  return {
    io,
    positionals,
    values,
    json,
    url,
    client: () => (client ??= createHeraldClient({ url: url(), key: (values.key as string | undefined) ?? io.env.HERALD_API_KEY })),
    print: (line = '') => void io.out.write(`${line}\n`),
    printJson: (value) => void io.out.write(`${JSON.stringify(value)}\n`),
    colour: colourFor(io.out, io.env),
  };
}

/** A string option as a number within bounds, or a UsageError naming it. */
export function numberOption(values: Values, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

/** Exactly `count` positionals, else a UsageError with the usage line. */
export function positionalsOf(ctx: CommandContext, command: Command, count: number): string[] {
  if (ctx.positionals.length !== count) throw new UsageError(`usage: ${command.usage}`);
  return ctx.positionals;
}

/** One line for an error the API or the network gave. */
export function describeFailure(err: unknown): string {
  if (err instanceof HeraldApiError) return err.message;
  if (err instanceof TypeError && (err as { cause?: { code?: string; message?: string } }).cause) {
    const cause = (err as { cause: { code?: string; message?: string } }).cause;
    return `cannot reach Herald (${cause.code ?? cause.message ?? 'fetch failed'})`;
  }
  return err instanceof Error ? err.message : String(err);
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A short one-line form of a value: JSON cut at `max` characters. */
export function short(value: unknown, max = 100): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
