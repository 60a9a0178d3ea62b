import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard for operator-supplied URLs (tool endpoints, outbound webhooks, crawls). The check runs on the
 * addresses DNS actually returned, inside the socket's own lookup, so a name cannot resolve to a public address
 * when checked and to 169.254.169.254 when connected (DNS rebinding). ipaddr.js classifies ranges (a
 * well-kept library instead of hand-written CIDR tables).
 */
const ALLOWED_RANGES = new Set(['unicast']);

export class BlockedDestinationError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`Refusing to connect to ${host} (${address}, ${range} address): private, loopback, link-local and metadata addresses are blocked`);
    this.name = 'BlockedDestinationError';
  }
}

/** The ipaddr.js range name of an address ('unicast' for public ones), IPv4-mapped IPv6 unwrapped. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range();
}

export const isPublicAddress = (address: string): boolean => ipaddr.isValid(address) && ALLOWED_RANGES.has(addressRange(address));

export function assertPublicAddress(host: string, address: string): void {
  if (!isPublicAddress(address)) throw new BlockedDestinationError(host, address, ipaddr.isValid(address) ? addressRange(address) : 'invalid');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request/net.connect that resolves, then refuses non-public answers. */
export function guardedLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    try {
      for (const a of addresses) assertPublicAddress(hostname, a.address);
    } catch (e) {
      return callback(e as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/**
 * Validates a URL an operator wants Atrium to call: http(s) only, no embedded credentials, and — when the
 * host is an IP literal (which skips DNS) — a public address. Names are checked again at connect time.
 */
export function assertOutboundUrl(raw: string, options: { allowPrivateNetworks: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidUrlError(`"${raw}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidUrlError(`${url.protocol} URLs are not allowed; use http or https`);
  if (url.username || url.password) throw new InvalidUrlError('URLs must not embed credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateNetworks) {
    if (ipaddr.isValid(host)) assertPublicAddress(host, host);
    else if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) throw new BlockedDestinationError(host, host, 'loopback');
  }
  return url;
}

export class InvalidUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUrlError';
  }
}
