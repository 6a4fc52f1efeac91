/**
 * Where an event handler may point. The server POSTs the application's access and refresh
 * tokens to every handler, so a handler URL is a place tokens go: never to link-local or cloud
 * metadata addresses (they answer with the host's own credentials), never to an unspecified
 * address, never back to this server (its admin routes would take the POST). In `local` mode (the
 * default, for development) loopback and private addresses are fine; in `public` mode (a
 * server others use) only public ones are, checked on every address a name resolves to, at bind
 * time and again when each POST connects, so a name that changes its answer gets no tokens.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

export const HANDLER_MODES = ['local', 'public'] as const;
export type HandlerMode = (typeof HANDLER_MODES)[number];

/** Classes refused in every mode. */
const NEVER: ReadonlySet<AddressClass> = new Set(['link-local', 'metadata', 'unspecified']);

/** Cloud metadata services: AWS, GCP, Azure, OCI (169.254.169.254), ECS (169.254.170.2), Alibaba. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

type V4Range = [first: number, bits: number, cls: AddressClass];

const v4 = (text: string): number => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** IPv4 ranges, most specific first (the first match wins). */
const V4_RANGES: V4Range[] = (
  [
    ['0.0.0.0', 8, 'unspecified'], // Linux connects 0.x to the host itself
    ['127.0.0.0', 8, 'loopback'],
    ['10.0.0.0', 8, 'private'],
    ['172.16.0.0', 12, 'private'],
    ['192.168.0.0', 16, 'private'],
    ['100.64.0.0', 10, 'private'], // carrier-grade NAT: inside someone's network
    ['169.254.0.0', 16, 'link-local'],
    ['192.0.0.0', 24, 'reserved'],
    ['192.0.2.0', 24, 'reserved'],
    ['198.18.0.0', 15, 'reserved'],
    ['198.51.100.0', 24, 'reserved'],
    ['203.0.113.0', 24, 'reserved'],
    ['224.0.0.0', 4, 'reserved'], // multicast
    ['240.0.0.0', 4, 'reserved'], // and 255.255.255.255
  ] as const
).map(([first, bits, cls]) => [v4(first), bits, cls]);

function classifyV4(value: number): AddressClass {
  for (const [first, bits, cls] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (value >= first && value < first + size) return cls;
  }
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad counts as two). */
function groups(text: string): number[] {
  let address = text.split('%')[0] as string;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    const n = v4(quad[1] as string);
    address = `${address.slice(0, quad.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address an IPv6 one stands for (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(g: number[]): number | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, i = 0] = g;
  const low = (h * 0x10000 + i) >>> 0;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && f === 0xffff) return low; // ::ffff:a.b.c.d
  if (zeroUpTo(4) && e === 0xffff && f === 0) return low; // ::ffff:0:a.b.c.d
  if (zeroUpTo(6) && low > 1) return low; // ::a.b.c.d (deprecated), not :: or ::1
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return low; // NAT64
  if (a === 0x2002) return (b * 0x10000 + c) >>> 0; // 6to4
  return undefined;
}

function classifyV6(text: string): AddressClass {
  const g = groups(text);
  const mapped = embeddedV4(g);
  if (mapped !== undefined) {
    return METADATA_ADDRESSES.has(v4Text(mapped)) ? 'metadata' : classifyV4(mapped);
  }
  const [a = 0] = g;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xfe00) === 0xfc00 || (a & 0xffc0) === 0xfec0) return 'private'; // ULA, old site-local
  if ((a & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (a === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (a === 0x2001 && g[1] === 0) return 'reserved'; // Teredo: the IPv4 inside is obfuscated
  if (a === 0x0064 && g[1] === 0xff9b) return 'reserved'; // local-use NAT64 (64:ff9b:1::/48)
  if (a === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'reserved'; // discard
  // Global unicast is 2000::/3; anything else is not assigned for public use.
  return (a & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

const v4Text = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The class of an IP address (either family; IPv4-in-IPv6 forms count as their IPv4 address). */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 4) return METADATA_ADDRESSES.has(address) ? 'metadata' : classifyV4(v4(address));
  if (family === 6) return METADATA_ADDRESSES.has(canonical(address)) ? 'metadata' : classifyV6(address);
  throw new Error(`not an IP address: ${address}`);
}

/** One spelling per address, for comparing them: IPv4-mapped as IPv4, IPv6 compressed. */
function canonical(address: string): string {
  if (isIP(address) !== 6) return address;
  const g = groups(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff ? embeddedV4(g) : undefined;
  if (mapped !== undefined) return v4Text(mapped);
  return new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1);
}

/** A URL's host without brackets, lower case, without the trailing dot of a rooted name. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Names whose class is known without DNS: metadata services, and `localhost` (RFC 6761). */
function classifyName(host: string): AddressClass | undefined {
  if (METADATA_NAMES.has(host)) return 'metadata';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return undefined;
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

const lookupAll = (host: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** The addresses a connection to this server's port reaches it on, besides loopback. */
async function ownAddresses(host: string): Promise<Set<string>> {
  const own = new Set<string>();
  const unspecified = host === '' || (isIP(host) !== 0 && classifyAddress(host) === 'unspecified');
  if (unspecified) {
    // Listening on every interface: each interface's address reaches it.
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) own.add(canonical(info.address));
    }
  } else if (isIP(host) !== 0) {
    own.add(canonical(host));
  } else {
    for (const { address } of await lookupAll(host).catch(() => [])) own.add(canonical(address));
  }
  return own;
}

export class HandlerAddressPolicy {
  private self: { port: number; addresses: Set<string> } | undefined;

  constructor(readonly mode: HandlerMode = 'local') {}

  /** Tells the policy where this server listens, so handlers pointing back at it are refused. */
  async listening(host: string, port: number): Promise<void> {
    this.self = { port, addresses: await ownAddresses(host) };
  }

  /** Why a connection to `address`:`port` may not carry tokens, or undefined when it may. */
  refusal(address: string, port: number): string | undefined {
    return this.refusalOf(classifyAddress(address), port, canonical(address));
  }

  private refusalOf(cls: AddressClass, port: number, address?: string): string | undefined {
    if (NEVER.has(cls)) return `${cls} address`;
    if (this.self && port === this.self.port) {
      // Loopback reaches this server whichever loopback address it listens on.
      if (cls === 'loopback' || (address !== undefined && this.self.addresses.has(address))) {
        return 'the server itself';
      }
    }
    if (this.mode === 'public' && cls !== 'public') return `${cls} address (handlers must be public)`;
    return undefined;
  }

  /** What can be told from the URL alone (an IP or a known name); undefined: ask DNS. */
  private fromUrl(url: URL): { refusal: string | undefined } | undefined {
    const host = hostOf(url);
    const port = portOf(url);
    if (isIP(host) !== 0) return { refusal: this.refusal(host, port) };
    const cls = classifyName(host);
    return cls === undefined ? undefined : { refusal: this.refusalOf(cls, port) };
  }

  /**
   * The check at bind time: the URL's host, and every address its name resolves to now. A name
   * that does not resolve is refused in `public` mode; in `local` mode it may come up later
   * (a container not started yet), and each POST is checked when it connects.
   */
  async checkHandler(url: URL): Promise<string | undefined> {
    const known = this.fromUrl(url);
    if (known) return known.refusal;
    let addresses: LookupAddress[];
    try {
      addresses = await lookupAll(hostOf(url));
    } catch {
      return this.mode === 'public' ? 'the name does not resolve' : undefined;
    }
    const port = portOf(url);
    for (const { address } of addresses) {
      const refusal = this.refusal(address, port);
      if (refusal) return `${address}: ${refusal}`;
    }
    return undefined;
  }

  /** The check before a POST when the host is an IP or a known name (no lookup happens then). */
  refusalBeforeConnect(url: URL): string | undefined {
    return this.fromUrl(url)?.refusal;
  }

  /**
   * A `lookup` for the POST's request: resolves as usual, then refuses the connection when any
   * address is refused, so what is connected to is what was checked.
   */
  connectLookup(url: URL): LookupFunction {
    const port = portOf(url);
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        for (const { address } of addresses) {
          const refusal = this.refusal(address, port);
          if (refusal) return callback(new Error(`handler address ${address} refused: ${refusal}`), '', 0);
        }
        if (options.all) return callback(null, addresses);
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      });
    };
  }
}
