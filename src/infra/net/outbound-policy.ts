import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where Gantry's own outbound requests (webhook deliveries) may go (DESIGN §6): never to loopback,
 * private, link-local, CGNAT, unspecified, multicast or cloud metadata addresses, unless the
 * operator allows them with GANTRY_OUTBOUND_ALLOW (CIDRs, addresses or host names). A name is
 * judged by every address it resolves to, and a request connects only to addresses judged here
 * (`lookup`), so a name re-pointed at 127.0.0.1 after the check (DNS rebinding) is refused too.
 */
export interface OutboundAllow {
  /** CIDRs (`10.1.0.0/16`, `::1/128`) or single addresses allowed although forbidden by default. */
  cidrs: string[];
  /** Host names (lower case) allowed whatever they resolve to. */
  hosts: string[];
}

const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['169.254.169.254', 32, 'ipv4', 'a cloud metadata address'],
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (CGNAT) address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
  // BlockList judges an IPv4-mapped address (::ffff:127.0.0.1) by the IPv4 ranges; NAT64 it does not.
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address'],
];

/** The first matching range, in FORBIDDEN's order (metadata before the link-local range it sits in). */
const RANGES = FORBIDDEN.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, reason };
});

/** Reads GANTRY_OUTBOUND_ALLOW: comma-separated CIDRs, addresses and host names; throws on a bad entry. */
export function parseOutboundAllow(value: string | undefined): OutboundAllow {
  const allow: OutboundAllow = { cidrs: [], hosts: [] };
  for (const raw of (value ?? '').split(',')) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (!entry) continue;
    if (entry.includes('/')) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      const bits = Number(prefix);
      if (!family || !/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128))
        throw new Error(`'${raw.trim()}' is not a CIDR`);
      allow.cidrs.push(entry);
    } else if (isIP(entry)) {
      allow.cidrs.push(`${entry}/${isIP(entry) === 4 ? 32 : 128}`);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      allow.hosts.push(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`'${raw.trim()}' is neither a CIDR, an IP address nor a host name`);
    }
  }
  return allow;
}

export class OutboundRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      address === host
        ? `${address} is ${reason}; GANTRY_OUTBOUND_ALLOW can allow it`
        : `${host} resolves to ${address}, ${reason}; GANTRY_OUTBOUND_ALLOW can allow it`,
    );
    this.name = 'OutboundRefused';
  }
}

type Resolve = (host: string) => Promise<LookupAddress[]>;

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export class OutboundPolicy {
  private readonly allowed = new BlockList();
  private readonly hosts: Set<string>;

  constructor(
    allow: OutboundAllow,
    private readonly resolve: Resolve = resolveAll,
  ) {
    for (const cidr of allow.cidrs) {
      const [address, prefix] = cidr.split('/');
      this.allowed.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
    this.hosts = new Set(allow.hosts);
  }

  /** Why an address may not be reached (undefined: it may). */
  addressProblem(address: string): string | undefined {
    const family = isIP(address);
    if (!family) return 'not an IP address';
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return undefined;
    return RANGES.find((r) => r.list.check(address, type))?.reason;
  }

  /**
   * Checks a URL's host: an address literal directly, an allowed host name not at all, any other
   * name by everything it resolves to now (unless `resolve` is false: the request's `lookup` will).
   * Throws OutboundRefused; a name that does not resolve passes (delivery checks again, connecting
   * only to addresses checked then).
   */
  async checkUrl(url: URL, { resolve = true }: { resolve?: boolean } = {}): Promise<void> {
    const host = hostOf(url);
    if (isIP(host)) return this.refuseAddress(host, host);
    if (this.hosts.has(host) || !resolve) return;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      return;
    }
    for (const a of addresses) this.refuseAddress(host, a.address);
  }

  /**
   * A `lookup` for http(s).request: resolves the name, refuses it if any address is forbidden,
   * and hands the socket only the addresses checked here. Address literals never reach a lookup:
   * check them with checkUrl first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    this.resolve(host).then(
      (addresses) => {
        try {
          if (!this.hosts.has(host)) for (const a of addresses) this.refuseAddress(host, a.address);
        } catch (err) {
          return callback(err as NodeJS.ErrnoException, '', 0);
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (!usable.length) {
          const err: NodeJS.ErrnoException = new Error(`no usable address for ${host}`);
          err.code = 'ENOTFOUND';
          return callback(err, '', 0);
        }
        if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  private refuseAddress(host: string, address: string): void {
    const problem = this.addressProblem(address);
    if (problem) throw new OutboundRefused(host, address, problem);
  }
}

/** The URL's host, lower case, without IPv6 brackets or a trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** Injection token: the process's OutboundPolicy, built from the config. */
export const OUTBOUND_POLICY = Symbol('OUTBOUND_POLICY');
