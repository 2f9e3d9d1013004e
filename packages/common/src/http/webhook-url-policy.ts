import { isIP } from 'node:net';
import { z } from 'zod';
import {
  classifyWebhookAddress,
  parseAllowedAddresses,
  WEBHOOK_ALLOWED_ADDRESSES,
  type WebhookAddressPolicy,
} from './webhook-address-policy';

/**
 * Which hosts a CRM may send us as an application's own webhook URL. The notification service
 * POSTs to that URL from inside our network, so without a list any CRM key could make it call
 * the engine, another service or the cloud metadata address (SSRF).
 *
 * An entry is a host (`crm.example.org`, `203.0.113.7`, `[2001:db8::1]`) matched exactly, or
 * `*.example.org`, which matches any host under example.org (not example.org itself). Hosts are
 * compared in the form the WHATWG URL parser gives them, the one `fetch` connects to: lower
 * case, IDN in punycode, IPv4 shorthands expanded (`127.1` is 127.0.0.1), a trailing dot dropped.
 * Ports are not part of the rule.
 */
export const CRM_WEBHOOK_ALLOWED_HOSTS = 'CRM_WEBHOOK_ALLOWED_HOSTS';

export type WebhookUrlVerdict =
  | { allowed: true; host: string }
  /** `host` is null when the URL could not be read at all; `reason` completes "webhookUrl …". */
  | { allowed: false; host: string | null; reason: string };

/** `crm.example.org, *.hooks.example.org` → normalized entries; throws naming the first bad entry. */
export function parseAllowedHosts(spec: string): string[] {
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(normalizeEntry);
}

/**
 * Whether the notification service may POST to `url`, judged by its host against `allowedHosts`
 * (from parseAllowedHosts) and, when the host is an IP address, by the address policy too
 * (`classifyWebhookAddress`, the same check every delivery makes on the address it connects to).
 */
export function checkWebhookUrl(
  url: string,
  allowedHosts: readonly string[],
  addressPolicy?: WebhookAddressPolicy,
): WebhookUrlVerdict {
  const parsed = parseHttpUrl(url);
  if (!(parsed instanceof URL)) return parsed;
  const host = withoutTrailingDot(parsed.hostname);
  if (allowedHosts.length === 0) {
    return {
      allowed: false,
      host,
      reason: `host ${host} is not accepted: no host is allowed for CRM webhooks (${CRM_WEBHOOK_ALLOWED_HOSTS} is empty)`,
    };
  }
  if (!allowedHosts.some((entry) => hostMatches(host, entry))) {
    return { allowed: false, host, reason: `host ${host} is not in ${CRM_WEBHOOK_ALLOWED_HOSTS}` };
  }
  return checkAddressOf(host, addressPolicy);
}

/** The URL, or the verdict on a string that is not an http(s) URL. */
function parseHttpUrl(url: string): URL | WebhookUrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, host: null, reason: 'is not a URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { allowed: false, host: null, reason: 'must be an http or https URL' };
  }
  return parsed;
}

/** An address written in the URL is judged now; a name is judged on each address it resolves to, at delivery. */
function checkAddressOf(host: string, policy: WebhookAddressPolicy | undefined): WebhookUrlVerdict {
  if (!policy || !isAddress(host)) return { allowed: true, host };
  const verdict = classifyWebhookAddress(host, policy);
  return verdict.allowed
    ? { allowed: true, host }
    : { allowed: false, host, reason: `host ${host} is refused: ${verdict.reason}` };
}

/**
 * Checks a URL an administrator registers (or configures as the default): any host, but an
 * address written in it must pass the address policy. Names are checked at every delivery.
 */
export function checkEndpointUrl(url: string, addressPolicy: WebhookAddressPolicy): WebhookUrlVerdict {
  const parsed = parseHttpUrl(url);
  if (!(parsed instanceof URL)) return parsed;
  return checkAddressOf(withoutTrailingDot(parsed.hostname), addressPolicy);
}

/** A comma-separated setting, empty by default, read by `parse`; what it throws names the problem. */
const listSetting = <T>(parse: (spec: string) => T) =>
  z
    .string()
    .default('')
    .transform((spec, ctx) => {
      try {
        return parse(spec);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

/** The variables as both the contract and the notification service validate them at start-up; empty allows none. */
export const crmWebhookEnv = z.object({
  [CRM_WEBHOOK_ALLOWED_HOSTS]: listSetting(parseAllowedHosts),
  /**
   * Non-public address ranges (CIDRs) webhooks may go to all the same; empty (the default): public
   * addresses only. The local stack allows 127.77.0.0/16, where the tests' CRM stand-ins listen.
   */
  [WEBHOOK_ALLOWED_ADDRESSES]: listSetting(parseAllowedAddresses),
});

function hostMatches(host: string, entry: string): boolean {
  if (!entry.startsWith('*.')) return host === entry;
  // A wildcard names domains, never addresses: *.0.0.1 must not let 127.0.0.1 in.
  if (isAddress(host)) return false;
  const domain = entry.slice(1);
  return host.endsWith(domain) && host.length > domain.length && !host.split('.').includes('');
}

function normalizeEntry(raw: string): string {
  const entry = raw.toLowerCase();
  const wildcard = entry.startsWith('*.');
  const name = wildcard ? entry.slice(2) : entry;
  const bad = (why: string) => new Error(`"${raw}" ${why}; expected a host, an IP address or *.domain`);
  // Only a bare host: no scheme, userinfo, port, path or a second wildcard.
  if (/[*/\\?#@\s]/.test(name)) throw bad('is not a host');
  // An IPv6 address may be given with or without its brackets; other colons would be a port.
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  if (bracketed.includes(':') && isIP(bracketed.slice(1, -1)) !== 6) throw bad('is not a host');
  let host: string;
  try {
    const url = new URL(`http://${bracketed}/`);
    if (url.port !== '') throw new Error('port');
    host = withoutTrailingDot(url.hostname);
  } catch {
    throw bad('is not a host');
  }
  if (host === '' || (!host.startsWith('[') && host.split('.').includes(''))) throw bad('is not a host');
  if (wildcard && isAddress(host)) throw bad('puts a wildcard on an IP address');
  return wildcard ? `*.${host}` : host;
}

function isAddress(host: string): boolean {
  return host.startsWith('[') || isIP(host) !== 0;
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
