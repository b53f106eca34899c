import ipaddr from 'ipaddr.js';

/**
 * Which addresses Herald may send HTTP requests to (webhook deliveries, channel tests, webhook
 * stages). Pure: the addresses come in already resolved; resolving and dialling are elsewhere
 * (`infrastructure/egress-guard.ts`).
 *
 * Only global unicast addresses are allowed by default. Every other range that ipaddr.js names
 * (loopback, unspecified, private, link-local, CGNAT, multicast, broadcast, reserved, unique
 * local, 6to4, Teredo, ...) is refused; IPv4-mapped IPv6 addresses and NAT64 (64:ff9b::/96)
 * addresses are judged by the IPv4 address inside them.
 */
export interface EgressPolicy {
  /** false: no check at all (HERALD_EGRESS=open). */
  guarded: boolean;
  /** Loopback (127/8, ::1) allowed: the default outside production. */
  allowLoopback: boolean;
  /** CIDRs allowed even when their range is refused (HERALD_ALLOWED_TARGETS). */
  allowedCidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  /** Host names (lower case) allowed whatever they resolve to; "*.example.com" matches subdomains. */
  allowedHosts: string[];
}

export type Verdict = { allowed: true } | { allowed: false; range: string };

export class EgressPolicyError extends Error {}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/;

/**
 * HERALD_EGRESS (`guarded` | `open`) and HERALD_ALLOWED_TARGETS (comma-separated CIDRs, IP
 * addresses and host names). Unset HERALD_EGRESS: guarded, and outside production
 * (NODE_ENV != production) loopback is allowed too, so a local receiver works.
 */
export function parseEgressPolicy(env: { egress?: string; allowedTargets?: string; nodeEnv?: string }): EgressPolicy {
  const mode = env.egress?.trim().toLowerCase() || undefined;
  if (mode !== undefined && mode !== 'guarded' && mode !== 'open') {
    throw new EgressPolicyError(`HERALD_EGRESS must be "guarded" or "open", got "${env.egress}"`);
  }
  const allowedCidrs: EgressPolicy['allowedCidrs'] = [];
  const allowedHosts: string[] = [];
  for (const raw of (env.allowedTargets ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry.includes('/')) {
      try {
        allowedCidrs.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new EgressPolicyError(`HERALD_ALLOWED_TARGETS: "${raw.trim()}" is not a valid CIDR (e.g. 10.1.0.0/16, fd00::/8)`);
      }
    } else if (literalAddress(entry) !== undefined) {
      const address = ipaddr.parse(literalAddress(entry)!);
      allowedCidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST_NAME.test(entry) && !/^[0-9.]+$/.test(entry)) {
      allowedHosts.push(entry.replace(/\.$/, ''));
    } else {
      throw new EgressPolicyError(`HERALD_ALLOWED_TARGETS: "${raw.trim()}" is neither a CIDR, an IP address nor a host name`);
    }
  }
  return {
    guarded: mode !== 'open',
    allowLoopback: mode === undefined && env.nodeEnv !== 'production',
    allowedCidrs,
    allowedHosts,
  };
}

/**
 * The IP address a URL host names, when it is an IP literal in canonical form (what WHATWG URL
 * parsing leaves: `http://2130706433/` and `http://0x7f.1/` become 127.0.0.1,
 * `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`); brackets are removed. Undefined for names.
 */
export function literalAddress(host: string): string | undefined {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (ipaddr.IPv4.isValidFourPartDecimal(h)) return h;
  if (h.includes(':') && ipaddr.IPv6.isValid(h)) return h;
  return undefined;
}

/**
 * `localhost` and every name below `.localhost` are loopback (RFC 6761 6.3), whatever a resolver
 * answers for them (many answer nothing, some 127.0.0.1): they are checked as 127.0.0.1.
 */
export function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** ::/96 (IPv4-compatible, deprecated): not named by ipaddr.js, refused all the same. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

/** The ipaddr.js range name an address falls in ('unicast' = global), mapped forms unwrapped. */
export function rangeOf(address: string): string {
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress() || v6.match(NAT64)) {
      const [a, b] = [v6.parts[6], v6.parts[7]];
      ip = new ipaddr.IPv4([a >> 8, a & 0xff, b >> 8, b & 0xff]);
    } else if (v6.match(IPV4_COMPATIBLE)) {
      return v6.range() === 'unicast' ? 'ipv4Compatible' : v6.range();
    }
  }
  return ip.range();
}

function hostAllowed(hostname: string, policy: EgressPolicy): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return policy.allowedHosts.some((a) => (a.startsWith('*.') ? h.endsWith(a.slice(1)) : h === a));
}

/**
 * May Herald connect to `address` (an IP address, as resolved or as written in the URL) for a
 * request to `hostname`? An address that does not parse is refused.
 */
export function isAllowed(address: string, hostname: string, policy: EgressPolicy): Verdict {
  if (!policy.guarded) return { allowed: true };
  if (!ipaddr.isValid(address)) return { allowed: false, range: 'invalid' };
  const range = rangeOf(address);
  if (range === 'unicast') return { allowed: true };
  if (range === 'loopback' && policy.allowLoopback) return { allowed: true };
  if (hostAllowed(hostname, policy)) return { allowed: true };
  const ip = ipaddr.parse(address);
  const plain = ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
  if (policy.allowedCidrs.some(([net, bits]) => net.kind() === plain.kind() && plain.match(net, bits))) return { allowed: true };
  return { allowed: false, range };
}

/** The stable code of a refused target, at creation (400) and in the attempt log. */
export const TARGET_NOT_ALLOWED = 'TARGET_NOT_ALLOWED';

export function refusalMessage(hostname: string, address: string, range: string): string {
  const at = hostname === address || hostname === `[${address}]` ? address : `${hostname} (${address})`;
  return `${at} is a ${range} address, which Herald does not send to (HERALD_ALLOWED_TARGETS opens exceptions)`;
}

/** The host of a URL as WHATWG URL parsing normalises it; undefined when it is no URL. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
