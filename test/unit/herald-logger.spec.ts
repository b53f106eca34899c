import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { HeraldLogger, useColors } from '../../src/common/herald-logger';
import { EmbeddedPostgresError } from '../../src/database/embedded-postgres';

/** What a HeraldLogger writes to stdout and stderr while `fn` runs. */
function capture(logger: HeraldLogger, fn: () => void): { out: string; err: string } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    Logger.overrideLogger(logger);
    fn();
    Logger.flush();
  } finally {
    o.mockRestore();
    e.mockRestore();
    Logger.overrideLogger(false);
  }
  return { out, err };
}

describe('HeraldLogger', () => {
  it("puts Nest's route and module lines at debug and keeps Herald's own at log", () => {
    const quiet = capture(new HeraldLogger('log', false), () => {
      new Logger('RouterExplorer').log('Mapped {/health, GET} route');
      new Logger('RoutesResolver').log('HealthController {/health}:');
      new Logger('InstanceLoader').log('AppModule dependencies initialized');
      new Logger('Herald').log('listening on http://127.0.0.1:3000');
    });
    expect(quiet.out).not.toMatch(/Mapped|HealthController|dependencies initialized/);
    expect(quiet.out).toMatch(/LOG \[Herald\] listening on/);

    const verbose = capture(new HeraldLogger('debug', false), () => new Logger('RouterExplorer').log('Mapped {/health, GET} route'));
    expect(verbose.out).toMatch(/DEBUG \[RouterExplorer\] Mapped \{\/health, GET\} route/);
  });

  it('writes no colour codes when told not to, and some when told to', () => {
    const plain = capture(new HeraldLogger('log', false), () => new Logger('Herald').warn('careful'));
    expect(plain.out + plain.err).toMatch(/careful/);
    expect(plain.out + plain.err).not.toMatch(/\u001b\[/);
    const coloured = capture(new HeraldLogger('log', true), () => new Logger('Herald').warn('careful'));
    expect(coloured.out + coloured.err).toMatch(/\u001b\[/);
  });

  it('uses colours only when stdout and stderr are terminals and NO_COLOR is unset', () => {
    const tty = { isTTY: true } ;
    const pipe = { isTTY: false } ;
    expect(useColors({}, tty, tty)).toBe(true);
    expect(useColors({}, pipe, tty)).toBe(false);
    expect(useColors({}, tty, pipe)).toBe(false);
    expect(useColors({ NO_COLOR: '1' }, tty, tty)).toBe(false);
  });

  it('leaves start-up problems the operator can fix to main.ts (one sentence, no stack)', () => {
    const r = capture(new HeraldLogger('log', false), () => new Logger('ExceptionHandler').error(new EmbeddedPostgresError('do this')));
    expect(r.out + r.err).toBe('');
    const other = capture(new HeraldLogger('log', false), () => new Logger('ExceptionHandler').error(new Error('boom')));
    expect(other.out + other.err).toMatch(/boom/);
  });
});
