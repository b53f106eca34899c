import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '../../src/config/config';
import { EmbeddedPostgresError } from '../../src/database/embedded-postgres';
import { createHeraldLog } from '../../src/logging/herald-log';
import { chooseFormat, levelOf, levelOfNestLevels } from '../../src/logging/log-settings';
import { NestLoggerAdapter } from '../../src/logging/nest-logger.adapter';
import { LogCapture } from '../support/log-capture';

/** A destination that keeps what is written, as text. */
function sink(): { write: (s: string) => void; text: () => string } {
  let out = '';
  return { write: (s: string) => void (out += s), text: () => out };
}

/** What `fn` logs through Nest's Logger when the adapter over `capture`'s logger is Nest's. */
function throughNest(capture: LogCapture, level: Parameters<LogCapture['log']>[0], fn: () => void): void {
  Logger.overrideLogger(new NestLoggerAdapter(capture.log(level)));
  try {
    fn();
  } finally {
    Logger.overrideLogger(false);
  }
}

describe('log level (HERALD_LOG_LEVEL)', () => {
  it("accepts pino's names and Nest's (log is info, verbose is trace), in any case", () => {
    expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(levelOf)).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
    expect(['log', 'verbose', ' LOG ', 'Debug'].map(levelOf)).toEqual(['info', 'trace', 'info', 'debug']);
    expect(levelOf('loud')).toBeUndefined();
  });

  it('is a start-up error when it is no level', () => {
    expect(() => loadConfig({ HERALD_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_LOG_LEVEL: 'loud' })).toThrow(/HERALD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, log, verbose, got "loud"/);
  });

  it("reads createApp's Nest levels as the most detailed of them", () => {
    expect(levelOfNestLevels(['error'])).toBe('error');
    expect(levelOfNestLevels(['error', 'warn', 'log'])).toBe('info');
    expect(levelOfNestLevels(['verbose', 'error'])).toBe('trace');
    expect(levelOfNestLevels([])).toBe('silent');
  });

  it('logs from the level set up, nothing more detailed', () => {
    const capture = new LogCapture();
    const log = capture.log('info');
    log.debug('not this');
    log.info('this');
    log.error('and this');
    expect(capture.lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'this'],
      ['error', 'and this'],
    ]);
  });
});

describe('log format (HERALD_LOG_FORMAT)', () => {
  it('is JSON off a terminal and pretty on one, unless set', () => {
    expect(chooseFormat('auto', { isTTY: false })).toBe('json');
    expect(chooseFormat('auto', {})).toBe('json');
    expect(chooseFormat('auto', { isTTY: true })).toBe('pretty');
    expect(chooseFormat('json', { isTTY: true })).toBe('json');
    expect(chooseFormat('pretty', { isTTY: false })).toBe('pretty');
  });

  it('is read from the environment, and a bad value is a start-up error', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ HERALD_LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(loadConfig({ HERALD_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ HERALD_LOG_FORMAT: 'xml' })).toThrow(/HERALD_LOG_FORMAT must be one of json, pretty, auto, got "xml"/);
  });

  it('writes one JSON object a line: level name, ISO time, msg and the fields given', () => {
    const out = sink();
    createHeraldLog({ level: 'info', format: 'auto' }, out).child({ context: 'Herald' }).info({ url: 'http://127.0.0.1:3000' }, 'listening on http://127.0.0.1:3000');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 'info', context: 'Herald', url: 'http://127.0.0.1:3000', msg: 'listening on http://127.0.0.1:3000', pid: process.pid });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('writes pretty lines for a person, coloured only on a terminal without NO_COLOR', () => {
    const plain = sink();
    createHeraldLog({ level: 'info', format: 'pretty' }, plain, { isTTY: false, env: {} }).child({ context: 'Delivery' }).warn({ endpoint: 'http://127.0.0.1:9' }, 'careful');
    expect(plain.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[Delivery\] careful\n/);
    expect(plain.text()).toMatch(/endpoint: "http:\/\/127\.0\.0\.1:9"/);
    expect(plain.text()).not.toMatch(/\u001b\[/);
    expect(plain.text()).not.toMatch(/^\{/);

    const tty = sink();
    createHeraldLog({ level: 'info', format: 'pretty' }, tty, { isTTY: true, env: {} }).warn('careful');
    expect(tty.text()).toMatch(/\u001b\[/);
    const noColor = sink();
    createHeraldLog({ level: 'info', format: 'pretty' }, noColor, { isTTY: true, env: { NO_COLOR: '1' } }).warn('careful');
    expect(noColor.text()).not.toMatch(/\u001b\[/);
  });

  it('logs an error as its type, message and stack (not its other fields), and censors secret headers', () => {
    const capture = new LogCapture();
    const err = Object.assign(new TypeError('boom'), { code: 'E_BOOM', detail: 'Key (token)=(s3cret) exists' });
    capture.log().error({ err, req: { headers: { authorization: 'Bearer s3cret', 'x-api-key': 's3cret', accept: 'json' } }, headers: { cookie: 's3cret' } }, 'failed');
    const [line] = capture.lines;
    expect(line.err).toEqual({ type: 'TypeError', message: 'boom', stack: err.stack, code: 'E_BOOM' });
    expect(line.req.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'json' });
    expect(line.headers).toEqual({ cookie: '[redacted]' });
    expect(capture.text.join('\n')).not.toContain('s3cret');
  });
});

describe("Nest's logger over Herald's", () => {
  it("puts Nest's route and module lines at debug and keeps Herald's own at info", () => {
    const quiet = new LogCapture();
    throughNest(quiet, 'info', () => {
      new Logger('RouterExplorer').log('Mapped {/health, GET} route');
      new Logger('RoutesResolver').log('HealthController {/health}:');
      new Logger('InstanceLoader').log('AppModule dependencies initialized');
      new Logger('Herald').log('listening on http://127.0.0.1:3000');
    });
    expect(quiet.lines.map((l) => [l.level, l.context, l.msg])).toEqual([['info', 'Herald', 'listening on http://127.0.0.1:3000']]);

    const verbose = new LogCapture();
    throughNest(verbose, 'debug', () => new Logger('RouterExplorer').log('Mapped {/health, GET} route'));
    expect(verbose.lines.map((l) => [l.level, l.context, l.msg])).toEqual([['debug', 'RouterExplorer', 'Mapped {/health, GET} route']]);
  });

  it("maps Nest's levels (verbose is trace) and keeps an error's stack", () => {
    const capture = new LogCapture();
    const boom = new Error('boom');
    throughNest(capture, 'trace', () => {
      new Logger('A').verbose('v');
      new Logger('A').warn('w');
      new Logger('A').error(boom);
      new Logger('A').error('failed', boom.stack);
    });
    expect(capture.lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['trace', 'A', 'v'],
      ['warn', 'A', 'w'],
      ['error', 'A', 'boom'],
      ['error', 'A', 'failed'],
    ]);
    expect(capture.lines[2].err.stack).toBe(boom.stack);
    expect(capture.lines[3].err.stack).toBe(boom.stack);
  });

  it('leaves start-up problems the operator can fix to main.ts (one sentence, no stack)', () => {
    const capture = new LogCapture();
    throughNest(capture, 'trace', () => new Logger('ExceptionHandler').error(new EmbeddedPostgresError('do this')));
    expect(capture.lines).toEqual([]);
    throughNest(capture, 'trace', () => new Logger('ExceptionHandler').error(new Error('boom')));
    expect(capture.lines.map((l) => l.msg)).toEqual(['boom']);
  });
});
