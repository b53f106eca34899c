import ipaddr from 'ipaddr.js';

/**
 * HERALD_TRUST_PROXY: which proxies in front of Herald may tell it the caller's address (by
 * X-Forwarded-For). Unset or "false": none, the TCP peer is the caller (a forwarded header is
 * ignored, so it cannot be used to dodge the per-address limits). Otherwise express's own setting
 * ("trust proxy", evaluated by proxy-addr): a number of hops in front of Herald (1 for one load
 * balancer), or a comma list of addresses, CIDR ranges and the names loopback, linklocal and
 * uniquelocal; the caller is then the address right of which only trusted proxies stand.
 * "true" (trust every hop) is refused: any client could then choose its own address.
 */
export type TrustProxy = false | number | string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export class TrustProxyError extends Error {}

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true') throw new TrustProxyError('HERALD_TRUST_PROXY=true would trust every hop (any client could set its own address): give the number of proxies in front of Herald or their addresses');
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new TrustProxyError(`HERALD_TRUST_PROXY must be at most 32 hops, got ${hops}`);
    return hops;
  }
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    if (NAMES.has(entry)) continue;
    const ok = entry.includes('/') ? safe(() => ipaddr.parseCIDR(entry)) : ipaddr.isValid(entry);
    if (!ok) throw new TrustProxyError(`HERALD_TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`);
  }
  return entries;
}

function safe(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
