import { loadConfig } from '../../src/config/config';

describe('proxies that may name the caller (HERALD_TRUST_PROXY)', () => {
  it('trusts none by default: the TCP peer is the caller', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ HERALD_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ HERALD_TRUST_PROXY: '  ' }).trustProxy).toBe(false);
  });

  it('takes a number of hops, or addresses, CIDR ranges and the names express knows', () => {
    expect(loadConfig({ HERALD_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ HERALD_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.1']);
  });

  it('refuses "true" (any client could choose its address) and anything that is not a proxy', () => {
    expect(() => loadConfig({ HERALD_TRUST_PROXY: 'true' })).toThrow(/would trust every hop/);
    expect(() => loadConfig({ HERALD_TRUST_PROXY: 'proxy.internal' })).toThrow(/"proxy.internal" is not an address/);
    expect(() => loadConfig({ HERALD_TRUST_PROXY: '10.0.0.0/40' })).toThrow(/"10.0.0.0\/40" is not an address/);
    expect(() => loadConfig({ HERALD_TRUST_PROXY: '64' })).toThrow(/at most 32 hops/);
  });
});
