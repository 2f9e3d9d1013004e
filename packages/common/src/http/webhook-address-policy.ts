import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses a webhook may be sent to. Whatever the URL says (a CRM's own URL, an
 * administrator's endpoint, the default), the address actually connected to must be a public
 * unicast one: never loopback, private (RFC 1918), link-local (169.254/16 with the cloud metadata
 * address, fe80::/10), unique-local (fc00::/7), unspecified (0.0.0.0 and :: reach this host),
 * multicast, broadcast, CGNAT (100.64/10), reserved or documentation ranges, or IPv6 forms that
 * embed an IPv4 address (::ffff:0:0/96 is judged as the IPv4 address, NAT64, 6to4, Teredo).
 *
 * `WEBHOOK_ALLOWED_ADDRESSES` (CIDRs) lets chosen non-public ranges in: the local stack's CRM
 * stand-ins listen on 127.77.0.0/16. The addresses of the components a service's settings name
 * (engine, peer service, JWKS, databases) and the unspecified address are refused even inside an
 * allowed range; other peers (course, promo, the gateway) are not known here, so an allowed
 * range should not contain them.
 *
 * This is the one classification: the host check of a URL (`checkWebhookUrl`, for an address
 * written in the URL), an endpoint's registration and every delivery (for each address its name
 * resolves to, connecting to exactly the address checked) all call `classifyWebhookAddress`.
 */
export const WEBHOOK_ALLOWED_ADDRESSES = 'WEBHOOK_ALLOWED_ADDRESSES';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [Address, number];

export interface WebhookAddressPolicy {
  /** Non-public ranges allowed all the same (parseAllowedAddresses). */
  allowed: readonly Cidr[];
  /** Addresses never allowed (the engine's, the services'), normalised (normaliseAddress). */
  protectedAddresses: readonly string[];
}

export type AddressVerdict = { allowed: true; address: string } | { allowed: false; address: string; reason: string };

/** No range allowed, nothing protected beyond the ranges: production's default. */
export const PUBLIC_ONLY: WebhookAddressPolicy = { allowed: [], protectedAddresses: [] };

/** `127.77.0.0/16, fd00::/8` → CIDRs; throws naming the first bad entry. Empty allows none. */
export function parseAllowedAddresses(spec: string): Cidr[] {
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let cidr: Cidr;
      try {
        cidr = ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`"${entry}" is not a CIDR range such as 127.77.0.0/16`);
      }
      const unspecified = cidr[0].kind() === 'ipv4' ? ipaddr.parse('0.0.0.0') : ipaddr.parse('::');
      if (unspecified.match(cidr))
        throw new Error(`"${entry}" contains the unspecified address: it would allow any host`);
      return cidr;
    });
}

/** The canonical text of an address (IPv4-mapped IPv6 as IPv4), or null if it is none. */
export function normaliseAddress(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.process(bare);
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
}

/** Whether a webhook may connect to `address` (an IP, with or without IPv6 brackets). */
export function classifyWebhookAddress(address: string, policy: WebhookAddressPolicy): AddressVerdict {
  const normalised = normaliseAddress(address);
  if (normalised === null) return { allowed: false, address, reason: `${address} is not an IP address` };
  const parsed = ipaddr.process(normalised);
  const range = parsed.range();
  const refuse = (reason: string): AddressVerdict => ({ allowed: false, address: normalised, reason });
  if (range === 'unspecified') return refuse(`${normalised} is the unspecified address (this host)`);
  // ::a.b.c.d (IPv4-compatible, deprecated) counts as unicast to ipaddr.js, yet may reach a.b.c.d.
  if (range === 'unicast' && parsed.kind() === 'ipv6' && parsed.match(ipaddr.parse('::'), 96)) {
    return refuse(`${normalised} is an IPv4-compatible IPv6 address`);
  }
  if (policy.protectedAddresses.includes(normalised)) {
    return refuse(`${normalised} is an address of the engine or of our services`);
  }
  if (range === 'unicast') return { allowed: true, address: normalised };
  const allowed = policy.allowed.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits));
  if (allowed) return { allowed: true, address: normalised };
  return refuse(`${normalised} is a ${range} address, not a public one (not in ${WEBHOOK_ALLOWED_ADDRESSES})`);
}

/** All addresses a name resolves to, in the resolver's order. Injected in tests. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: ResolveAll = (hostname) => dnsLookup(hostname, { all: true, order: 'verbatim' });

export class WebhookAddressRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`webhook host ${host} refused: ${reason}`);
    this.name = 'WebhookAddressRefusedError';
  }
}

/**
 * Resolves `hostname` once and checks every address it gives: one refused address refuses the
 * host (a name that also points inside is not a CRM's). Returns the address to connect to.
 */
export async function resolveWebhookAddress(
  hostname: string,
  policy: WebhookAddressPolicy,
  resolve: ResolveAll = systemResolver,
): Promise<LookupAddress> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = normaliseAddress(host) !== null;
  let addresses: LookupAddress[];
  if (literal) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (e) {
      throw new WebhookAddressRefusedError(
        hostname,
        `it does not resolve (${(e as { code?: string }).code ?? String(e)})`,
      );
    }
  }
  if (addresses.length === 0) throw new WebhookAddressRefusedError(hostname, 'it resolves to no address');
  for (const { address } of addresses) {
    const verdict = classifyWebhookAddress(address, policy);
    if (!verdict.allowed) throw new WebhookAddressRefusedError(hostname, verdict.reason);
  }
  return addresses[0];
}

/**
 * A `lookup` for node:http/net that answers with the one address already checked and never asks
 * DNS again, so the address connected to is the address checked (no DNS rebinding in between).
 */
export function pinnedLookup({ address, family }: LookupAddress) {
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * The addresses of our own components (the engine, the services), from their configured URLs:
 * refused as webhook targets even when an allowed range covers them. A host that does not
 * resolve just now is skipped.
 */
export async function protectedAddressesOf(
  urls: readonly (string | undefined)[],
  resolve: ResolveAll = systemResolver,
): Promise<string[]> {
  const hosts = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      const { hostname } = new URL(url.includes('://') ? url : `http://${url}`);
      hosts.add(hostname.replace(/^\[|\]$/g, ''));
    } catch {
      continue;
    }
  }
  const addresses = await Promise.all(
    [...hosts].map(async (host) => {
      if (normaliseAddress(host) !== null) return [host];
      try {
        return (await resolve(host)).map((a) => a.address);
      } catch {
        return [];
      }
    }),
  );
  return [
    ...new Set(
      addresses
        .flat()
        .map(normaliseAddress)
        .filter((a): a is string => a !== null && ipaddr.process(a).range() !== 'unspecified'),
    ),
  ];
}

/**
 * The one policy both the contract and the notification service apply: the ranges in
 * WEBHOOK_ALLOWED_ADDRESSES, and never the address this service binds (HTTP_HOST, when it is
 * not 0.0.0.0) or of a component named in its settings (`urlKeys`: the engine, the peer service, the JWKS, databases),
 * resolved each time, since in compose and Kubernetes they are names.
 */
export async function webhookAddressPolicyOf(
  config: { get(key: string): unknown },
  urlKeys: readonly string[],
): Promise<WebhookAddressPolicy> {
  const value = (key: string) => {
    const v = config.get(key);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    allowed: (config.get(WEBHOOK_ALLOWED_ADDRESSES) as Cidr[] | undefined) ?? [],
    protectedAddresses: await protectedAddressesOf([...urlKeys.map(value), value('HTTP_HOST')]),
  };
}
