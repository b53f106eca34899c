import { EgressPolicyError, hostOf, isAllowed, isLocalhostName, literalAddress, parseEgressPolicy, rangeOf } from '../../src/webhooks/domain/egress-policy';
import { fixedTarget } from '../../src/jobs/domain/pipeline-targets';
import { loadConfig, ConfigError } from '../../src/config/config';

const guarded = parseEgressPolicy({ egress: 'guarded' });
const verdict = (address: string, host = address, policy = guarded) => isAllowed(address, host, policy);

describe('egress policy: address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s) by default', (address, range) => {
    expect(rangeOf(address)).toBe(range);
    expect(verdict(address)).toEqual({ allowed: false, range });
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111'])('allows the global address %s', (address) => {
    expect(verdict(address)).toEqual({ allowed: true });
  });

  it('judges IPv4-mapped, NAT64 and IPv4-compatible IPv6 forms by the address inside', () => {
    expect(verdict('::ffff:127.0.0.1')).toEqual({ allowed: false, range: 'loopback' });
    expect(verdict('::ffff:7f00:1')).toEqual({ allowed: false, range: 'loopback' });
    expect(verdict('::ffff:a9fe:a9fe')).toEqual({ allowed: false, range: 'linkLocal' });
    expect(verdict('::ffff:10.1.2.3')).toEqual({ allowed: false, range: 'private' });
    expect(verdict('64:ff9b::a00:1')).toEqual({ allowed: false, range: 'private' });
    expect(verdict('::7f00:1')).toEqual({ allowed: false, range: 'ipv4Compatible' });
    expect(verdict('::ffff:8.8.8.8')).toEqual({ allowed: true });
    expect(verdict('64:ff9b::808:808')).toEqual({ allowed: true });
  });

  it('refuses what does not parse as an address', () => {
    expect(verdict('not-an-ip')).toEqual({ allowed: false, range: 'invalid' });
  });
});

describe('egress policy: IP literals in URLs', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0xa9.0xfe.0xa9.0xfe/latest/meta-data', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::1]:8080/', '::1'],
  ])('%s is the literal %s after URL parsing, and refused', (url, address) => {
    const host = hostOf(url)!;
    expect(literalAddress(host)).toBe(address);
    expect(verdict(address, host).allowed).toBe(false);
  });

  it('treats names as names', () => {
    expect(literalAddress(hostOf('https://hooks.example.com/x')!)).toBeUndefined();
    expect(literalAddress('localhost')).toBeUndefined();
  });

  it('takes localhost and every name below .localhost for loopback (RFC 6761), and no other name', () => {
    for (const host of ['localhost', 'LOCALHOST', 'foo.localhost', 'a.b.localhost.', hostOf('http://api.Localhost:8080/x')!]) expect([host, isLocalhostName(host)]).toEqual([host, true]);
    for (const host of ['localhost.example.com', 'notlocalhost', 'example.com', 'localhos']) expect([host, isLocalhostName(host)]).toEqual([host, false]);
  });
});

describe('egress policy: configuration', () => {
  it('is guarded by default; outside production loopback is allowed, nothing else', () => {
    const dev = parseEgressPolicy({});
    expect(dev).toMatchObject({ guarded: true, allowLoopback: true });
    expect(isAllowed('127.0.0.1', 'localhost', dev)).toEqual({ allowed: true });
    expect(isAllowed('::ffff:127.0.0.1', 'localhost', dev)).toEqual({ allowed: true });
    expect(isAllowed('10.0.0.1', '10.0.0.1', dev).allowed).toBe(false);
    expect(isAllowed('0.0.0.0', '0.0.0.0', dev).allowed).toBe(false);
    const prod = parseEgressPolicy({ nodeEnv: 'production' });
    expect(prod).toMatchObject({ guarded: true, allowLoopback: false });
    expect(isAllowed('127.0.0.1', 'localhost', prod).allowed).toBe(false);
    expect(parseEgressPolicy({ egress: 'guarded', nodeEnv: 'test' }).allowLoopback).toBe(false);
  });

  it('open turns the guard off', () => {
    const open = parseEgressPolicy({ egress: 'open', nodeEnv: 'production' });
    expect(isAllowed('169.254.169.254', '169.254.169.254', open)).toEqual({ allowed: true });
  });

  it('HERALD_ALLOWED_TARGETS opens CIDRs, addresses and host names', () => {
    const p = parseEgressPolicy({ egress: 'guarded', allowedTargets: ' 10.1.0.0/16, fd00::/8,192.168.0.7, hooks.internal, *.corp.example ' });
    expect(isAllowed('10.1.200.3', 'x', p)).toEqual({ allowed: true });
    expect(isAllowed('::ffff:10.1.0.1', 'x', p)).toEqual({ allowed: true });
    expect(isAllowed('10.2.0.1', 'x', p).allowed).toBe(false);
    expect(isAllowed('fd00::5', 'x', p)).toEqual({ allowed: true });
    expect(isAllowed('192.168.0.7', 'x', p)).toEqual({ allowed: true });
    expect(isAllowed('192.168.0.8', 'x', p).allowed).toBe(false);
    expect(isAllowed('10.9.9.9', 'HOOKS.internal', p)).toEqual({ allowed: true });
    expect(isAllowed('10.9.9.9', 'a.b.corp.example', p)).toEqual({ allowed: true });
    expect(isAllowed('10.9.9.9', 'corp.example', p).allowed).toBe(false);
  });

  it('rejects bad values with readable messages, through loadConfig too', () => {
    expect(() => parseEgressPolicy({ egress: 'off' })).toThrow(new EgressPolicyError('HERALD_EGRESS must be "guarded" or "open", got "off"'));
    expect(() => parseEgressPolicy({ allowedTargets: '10.0.0.0/33' })).toThrow(/"10.0.0.0\/33" is not a valid CIDR/);
    expect(() => parseEgressPolicy({ allowedTargets: 'not a host' })).toThrow(/neither a CIDR, an IP address nor a host name/);
    expect(() => loadConfig({ HERALD_EGRESS: 'maybe' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production' }).egress.allowLoopback).toBe(false);
  });
});

describe('creation-time targets of stage URLs with expressions', () => {
  it('checks the written-out host, and leaves a host known only at run time to the connect-time guard', () => {
    expect(fixedTarget('http://10.0.0.1/x')).toBe('http://10.0.0.1/x');
    expect(fixedTarget('http://10.0.0.1:81/${ flowInput.path }')).toBe('http://10.0.0.1:81/');
    expect(fixedTarget('http://${ flowInput.host }/x')).toBeUndefined();
    expect(fixedTarget('${ flowInput.url }')).toBeUndefined();
  });
});
