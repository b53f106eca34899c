import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { hostOf, isAllowed, isLocalhostName, literalAddress, refusalMessage, TARGET_NOT_ALLOWED, type EgressPolicy } from '../domain/egress-policy';

/** Resolves a host name to all its addresses (node's dns.lookup with `all: true`); injectable for tests. */
export type Resolver = (hostname: string, options: { family?: number }) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname, options) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

export class TargetNotAllowedError extends Error {
  readonly code = TARGET_NOT_ALLOWED;
  constructor(message: string) {
    super(message);
    this.name = 'TargetNotAllowedError';
  }
}

/** The first address of `addresses` that the policy refuses, as an error; undefined when all pass. */
export function refusal(hostname: string, addresses: string[], policy: EgressPolicy): TargetNotAllowedError | undefined {
  for (const address of addresses) {
    const verdict = isAllowed(address, hostname, policy);
    if (!verdict.allowed) return new TargetNotAllowedError(refusalMessage(hostname, address, verdict.range));
  }
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** What a .localhost name is checked as. */
const LOOPBACK = '127.0.0.1';

/**
 * The guard of every connection Herald opens for HTTP: a `lookup` for net/tls.connect that
 * resolves the name and refuses the whole answer when any address is refused, so the address
 * checked is the address dialled (a DNS answer that changes between a check and the connect,
 * rebinding, is caught here); and a connector that checks IP literals, for which node skips
 * the lookup.
 */
export class EgressGuard {
  constructor(
    readonly policy: EgressPolicy,
    private readonly resolver: Resolver = systemResolver,
  ) {}

  /** The lookup option of net.connect / tls.connect. */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    // A .localhost name is loopback whatever the resolver says (RFC 6761).
    const local = isLocalhostName(hostname) ? refusal(hostname, [LOOPBACK], this.policy) : undefined;
    if (local) return callback(local, '');
    this.resolver(hostname, { family: typeof options.family === 'number' ? options.family : 0 }).then(
      (addresses) => {
        const refused = refusal(hostname, addresses.map((a) => a.address), this.policy);
        if (refused) return callback(refused, '');
        if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };

  /** An undici connector with the guard in front of every new connection. */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    if (!this.policy.guarded) return buildConnector(options);
    const connect = buildConnector({ ...options, lookup: this.lookup } as buildConnector.BuildOptions);
    return (opts, callback) => {
      const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
      if (isIP(host)) {
        const refused = refusal(host, [host], this.policy);
        if (refused) return queueMicrotask(() => callback(refused, null));
      }
      connect(opts, callback);
    };
  }

  /**
   * Creation-time check of a target URL: its IP literal, or what its name resolves to now
   * (within `timeoutMs`). A name that does not resolve passes (its deliveries will fail and be
   * retried); the connect-time guard decides in the end.
   */
  async check(url: string, timeoutMs = 2000): Promise<TargetNotAllowedError | undefined> {
    if (!this.policy.guarded) return undefined;
    const hostname = hostOf(url);
    if (hostname === undefined || hostname === '') return undefined;
    const literal = literalAddress(hostname) ?? (isLocalhostName(hostname) ? LOOPBACK : undefined);
    if (literal !== undefined) return refusal(hostname, [literal], this.policy);
    let timer: NodeJS.Timeout | undefined;
    try {
      const addresses = await Promise.race([
        this.resolver(hostname, {}),
        new Promise<LookupAddress[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs))),
      ]);
      return refusal(hostname, addresses.map((a) => a.address), this.policy);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
