import { ConfigError, loadConfig } from '../../src/config/config';

describe('HERALD_METRICS_TOP_ENDPOINTS', () => {
  it('lists the 50 largest endpoint backlogs unless set, 1 to 1000', () => {
    expect(loadConfig({}).metricsTopEndpoints).toBe(50);
    expect(loadConfig({ HERALD_METRICS_TOP_ENDPOINTS: '1' }).metricsTopEndpoints).toBe(1);
    expect(loadConfig({ HERALD_METRICS_TOP_ENDPOINTS: '1000' }).metricsTopEndpoints).toBe(1000);
  });

  it('refuses anything else with a readable message', () => {
    for (const raw of ['0', '1001', '-5', '2.5', 'all']) {
      expect(() => loadConfig({ HERALD_METRICS_TOP_ENDPOINTS: raw })).toThrow(ConfigError);
      expect(() => loadConfig({ HERALD_METRICS_TOP_ENDPOINTS: raw })).toThrow(`HERALD_METRICS_TOP_ENDPOINTS must be an integer between 1 and 1000, got "${raw}"`);
    }
  });
});
