import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('reads switches as true/false, 1/0, yes/no or on/off, whatever the case', () => {
    for (const off of ['false', '0', 'no', 'off', 'NO', 'Off']) expect([off, loadConfig({ HERALD_DELIVERY_WORKERS: off }).webhooks.workers]).toEqual([off, false]);
    for (const on of ['true', '1', 'yes', 'on', 'TRUE']) expect([on, loadConfig({ HERALD_DELIVERY_WORKERS: on }).webhooks.workers]).toEqual([on, true]);
    expect(loadConfig({}).webhooks.workers).toBe(true);
    expect(loadConfig({ HERALD_DOCS: 'off' }).docs).toBe(false);
  });

  it('refuses a switch it cannot read, naming the variable', () => {
    expect(() => loadConfig({ HERALD_DELIVERY_WORKERS: 'nope' })).toThrow(new ConfigError('HERALD_DELIVERY_WORKERS must be true or false, got "nope"'));
  });

  it('reads the circuit settings', () => {
    expect(loadConfig({ HERALD_ENDPOINT_OPEN_AFTER: '3', HERALD_ENDPOINT_OPEN_SECONDS: '5', HERALD_ENDPOINT_OPEN_MAX_SECONDS: '50' }).webhooks.circuit).toEqual({ openAfter: 3, openSeconds: 5, openMaxSeconds: 50 });
    expect(() => loadConfig({ HERALD_ENDPOINT_OPEN_AFTER: '0' })).toThrow(ConfigError);
  });
});
