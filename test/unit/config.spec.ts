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

  it('reads the admin keys (HERALD_ADMIN_KEY, HERALD_API_KEYS) and the project key cache time', () => {
    const config = loadConfig({ HERALD_ADMIN_KEY: ' admin-key-0123456789 ', HERALD_API_KEYS: 'k1, k2,', HERALD_KEY_CACHE_MS: '500' });
    expect([config.adminKey, config.apiKeys, config.keyCacheMs, config.host]).toEqual(['admin-key-0123456789', ['k1', 'k2'], 500, '0.0.0.0']);
    expect([loadConfig({}).adminKey, loadConfig({}).keyCacheMs, loadConfig({ HERALD_ADMIN_KEY: 'admin-key-0123456789' }).host]).toEqual([undefined, 2000, '0.0.0.0']);
    expect(() => loadConfig({ HERALD_ADMIN_KEY: 'short' })).toThrow(new ConfigError('HERALD_ADMIN_KEY must be at least 16 characters long'));
    expect(() => loadConfig({ HERALD_API_KEYS: 'hk_looks-like-a-project-key' })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_KEY_CACHE_MS: '60001' })).toThrow(ConfigError);
  });

  it('reads the metrics token (HERALD_METRICS_TOKEN), refusing a short one or one shaped like a project key', () => {
    expect([loadConfig({}).metricsToken, loadConfig({ HERALD_METRICS_TOKEN: ' metrics-token-0123456789 ' }).metricsToken]).toEqual([undefined, 'metrics-token-0123456789']);
    expect(() => loadConfig({ HERALD_METRICS_TOKEN: 'short' })).toThrow(new ConfigError('HERALD_METRICS_TOKEN must be at least 16 characters long'));
    expect(() => loadConfig({ HERALD_METRICS_TOKEN: 'hk_metrics-token-0123456789' })).toThrow(ConfigError);
  });

  it('reads the circuit settings', () => {
    expect(loadConfig({ HERALD_ENDPOINT_OPEN_AFTER: '3', HERALD_ENDPOINT_OPEN_SECONDS: '5', HERALD_ENDPOINT_OPEN_MAX_SECONDS: '50' }).webhooks.circuit).toEqual({ openAfter: 3, openSeconds: 5, openMaxSeconds: 50 });
    expect(() => loadConfig({ HERALD_ENDPOINT_OPEN_AFTER: '0' })).toThrow(ConfigError);
  });

  it('reads the instance heartbeat and takeover delay, which must leave a live instance three heartbeats', () => {
    const { heartbeatMs, takeoverMs } = loadConfig({}).webhooks;
    expect([heartbeatMs, takeoverMs]).toEqual([2000, 10_000]);
    expect(loadConfig({ HERALD_INSTANCE_HEARTBEAT_MS: '100', HERALD_TAKEOVER_AFTER_MS: '300' }).webhooks.takeoverMs).toBe(300);
    expect(() => loadConfig({ HERALD_INSTANCE_HEARTBEAT_MS: '100', HERALD_TAKEOVER_AFTER_MS: '299' })).toThrow(/at least 3 x HERALD_INSTANCE_HEARTBEAT_MS/);
  });

  it('reads the status stream settings', () => {
    expect(loadConfig({}).streams).toEqual({ pollMs: 500, keepAliveMs: 15_000 });
    expect(loadConfig({ HERALD_STREAM_POLL_MS: '50', HERALD_STREAM_KEEPALIVE_MS: '1000' }).streams).toEqual({ pollMs: 50, keepAliveMs: 1000 });
  });
});
