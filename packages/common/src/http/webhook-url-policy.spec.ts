import { validateEnv } from '../config/env';
import { checkWebhookUrl, crmWebhookEnv, parseAllowedHosts } from './webhook-url-policy';

const allowed = parseAllowedHosts('crm.example.org, *.hooks.example.org,203.0.113.7, ::1 ,LOCALHOST.');
const allows = (url: string) => checkWebhookUrl(url, allowed).allowed;

describe('parseAllowedHosts', () => {
  it('normalizes entries: case, spaces, empty items, trailing dots, IPv6 with or without brackets', () => {
    expect(allowed).toEqual(['crm.example.org', '*.hooks.example.org', '203.0.113.7', '[::1]', 'localhost']);
    expect(parseAllowedHosts('')).toEqual([]);
    expect(parseAllowedHosts(' , ')).toEqual([]);
    expect(parseAllowedHosts('[2001:DB8::1],*.Example.ORG.')).toEqual(['[2001:db8::1]', '*.example.org']);
    expect(parseAllowedHosts('bücher.example')).toEqual(['xn--bcher-kva.example']);
  });

  it.each([
    'https://crm.example.org',
    'crm.example.org:443',
    'user@crm.example.org',
    'crm.example.org/hooks',
    '*',
    '*.',
    'crm.*.org',
    '**.example.org',
    '*.127.0.0.1',
    '*.0.0.1',
    '[::1]:80',
    'a..example.org',
    'not a host',
  ])('refuses %p, naming it', (entry) => {
    expect(() => parseAllowedHosts(`crm.example.org,${entry}`)).toThrow(`"${entry}"`);
  });
});

describe('checkWebhookUrl', () => {
  it.each([
    'https://crm.example.org/hooks/otus?token=abc',
    'http://crm.example.org:8443/hooks',
    'https://CRM.Example.Org/hooks',
    'https://crm.example.org./hooks',
    'https://a.hooks.example.org/x',
    'https://a.b.hooks.example.org/x',
    'http://203.0.113.7/x',
    'http://[::1]:9000/x',
    'http://[0:0:0:0:0:0:0:1]/x',
    'http://localhost:3000/x',
    // The host is crm.example.org; what comes before the @ is a user name.
    'https://evil@crm.example.org/x',
  ])('allows %s', (url) => expect(allows(url)).toBe(true));

  it.each([
    // Suffix tricks: a name that merely contains or ends like an allowed one.
    'https://crm.example.org.attacker.com/x',
    'https://evilcrm.example.org/x',
    'https://hooks.example.org.attacker.com/x',
    'https://evilhooks.example.org/x',
    // The wildcard is for hosts under the domain, not the domain itself.
    'https://hooks.example.org/x',
    // Userinfo: the real host is after the @.
    'https://crm.example.org@169.254.169.254/latest/meta-data',
    'https://crm.example.org:x@evil.test/',
    // A backslash is a slash to the URL parser (and to fetch): the host is evil.test.
    'https://evil.test\\@crm.example.org/',
    // Internal addresses, however they are written.
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://127.0.0.1:8081/engine-rest',
    'http://127.1:8081/',
    'http://0.0.0.0:8081/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::2]/',
    'http://[fd00::1]/',
    'http://engine:8081/engine-rest',
    // Trailing-dot and empty-label variants that are not the allowed name.
    'https://crm.example.org../x',
    'https://.hooks.example.org/x',
    'https://a..hooks.example.org/x',
    // Percent-encoding decodes to the real host before the check.
    'https://evil%2etest/x',
  ])('refuses %s', (url) => expect(allows(url)).toBe(false));

  it('says why: the host and the list, or no list at all, or not a URL', () => {
    expect(checkWebhookUrl('https://crm.example.org@Evil.Test./x', allowed)).toEqual({
      allowed: false,
      host: 'evil.test',
      reason: 'host evil.test is not in CRM_WEBHOOK_ALLOWED_HOSTS',
    });
    expect(checkWebhookUrl('https://crm.example.org/x', [])).toEqual({
      allowed: false,
      host: 'crm.example.org',
      reason:
        'host crm.example.org is not accepted: no host is allowed for CRM webhooks (CRM_WEBHOOK_ALLOWED_HOSTS is empty)',
    });
    expect(checkWebhookUrl('file:///etc/passwd', allowed)).toMatchObject({ allowed: false, host: null });
    expect(checkWebhookUrl('gopher://crm.example.org/', allowed)).toMatchObject({ allowed: false, host: null });
    expect(checkWebhookUrl('not a url', allowed)).toMatchObject({ allowed: false, reason: 'is not a URL' });
  });

  it('matches IPv4 shorthands by the address fetch would connect to', () => {
    const loopback = parseAllowedHosts('127.0.0.1');
    expect(checkWebhookUrl('http://127.1:9/x', loopback)).toEqual({ allowed: true, host: '127.0.0.1' });
    expect(checkWebhookUrl('http://2130706433:9/x', loopback)).toEqual({ allowed: true, host: '127.0.0.1' });
    expect(checkWebhookUrl('http://127.0.0.2:9/x', loopback).allowed).toBe(false);
  });
});

describe('CRM_WEBHOOK_ALLOWED_HOSTS', () => {
  it('defaults to no host, and stops start-up on a bad entry, named', () => {
    expect(validateEnv(crmWebhookEnv)({})).toEqual({ CRM_WEBHOOK_ALLOWED_HOSTS: [], WEBHOOK_ALLOWED_ADDRESSES: [] });
    expect(validateEnv(crmWebhookEnv)({ CRM_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost' })).toMatchObject({
      CRM_WEBHOOK_ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
    });
    expect(() => validateEnv(crmWebhookEnv)({ CRM_WEBHOOK_ALLOWED_HOSTS: 'crm.example.org,https://x.test' })).toThrow(
      /CRM_WEBHOOK_ALLOWED_HOSTS: "https:\/\/x\.test"/,
    );
  });

  it('reads WEBHOOK_ALLOWED_ADDRESSES as CIDRs, and stops start-up on a bad one', () => {
    expect(
      validateEnv(crmWebhookEnv)({ WEBHOOK_ALLOWED_ADDRESSES: '127.77.0.0/16' }).WEBHOOK_ALLOWED_ADDRESSES,
    ).toHaveLength(1);
    expect(() => validateEnv(crmWebhookEnv)({ WEBHOOK_ALLOWED_ADDRESSES: '0.0.0.0/0' })).toThrow(
      /WEBHOOK_ALLOWED_ADDRESSES: "0\.0\.0\.0\/0" contains the unspecified address/,
    );
  });
});
