import { ConfigError, loadConfig } from '../../src/config/config';

describe('bind address (HERALD_HOST)', () => {
  it('binds the loopback interface only while the API is open', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
  });

  it('binds every interface once API keys are set', () => {
    expect(loadConfig({ HERALD_API_KEYS: 'k1' }).host).toBe('0.0.0.0');
  });

  it('takes HERALD_HOST over both defaults', () => {
    expect(loadConfig({ HERALD_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HERALD_HOST: ' ::1 ', HERALD_API_KEYS: 'k1' }).host).toBe('::1');
    expect(loadConfig({ HERALD_HOST: 'herald.internal' }).host).toBe('herald.internal');
  });

  it('refuses a value that is neither an address nor a host name', () => {
    expect(() => loadConfig({ HERALD_HOST: 'http://0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_HOST: '0.0.0.0:3000' })).toThrow(/HERALD_HOST must be/);
  });
});

describe('HERALD_LOG_LEVEL', () => {
  it("defaults to info and accepts pino's levels and Nest's (log is info, verbose is trace)", () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ HERALD_LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(loadConfig({ HERALD_LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(loadConfig({ HERALD_LOG_LEVEL: 'log' }).logLevel).toBe('info');
    expect(loadConfig({ HERALD_LOG_LEVEL: 'verbose' }).logLevel).toBe('trace');
    expect(() => loadConfig({ HERALD_LOG_LEVEL: 'loud' })).toThrow(/HERALD_LOG_LEVEL must be one of/);
  });
});
