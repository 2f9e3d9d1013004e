import {
  classifyWebhookAddress,
  normaliseAddress,
  parseAllowedAddresses,
  pinnedLookup,
  protectedAddressesOf,
  PUBLIC_ONLY,
  type ResolveAll,
  resolveWebhookAddress,
  type WebhookAddressPolicy,
} from './webhook-address-policy';
import { checkEndpointUrl, checkWebhookUrl } from './webhook-url-policy';

/** The local stack's policy: test receivers on 127.77.0.0/16, the engine on 127.0.0.1. */
const local: WebhookAddressPolicy = {
  allowed: parseAllowedAddresses('127.77.0.0/16, fd00:77::/32'),
  protectedAddresses: ['127.0.0.1'],
};

/** A resolver from a fixed table, as a DNS server under someone else's control would answer. */
const resolverOf =
  (table: Record<string, string[]>): ResolveAll =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('classifyWebhookAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['203.0.113.7', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    const verdict = classifyWebhookAddress(address, PUBLIC_ONLY);
    expect(verdict).toMatchObject({ allowed: false });
    expect(!verdict.allowed && verdict.reason).toContain(`a ${range} address`);
  });

  it.each(['::7f00:1', '::a9fe:a9fe', '::808:808'])('refuses the IPv4-compatible IPv6 address %s', (address) => {
    expect(classifyWebhookAddress(address, PUBLIC_ONLY)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('IPv4-compatible'),
    });
  });

  it.each(['0.0.0.0', '::', '[::]', '::ffff:0.0.0.0'])('refuses the unspecified address %s, even allow-listed', (a) => {
    expect(classifyWebhookAddress(a, { ...local, allowed: parseAllowedAddresses('0.0.0.1/32') })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('unspecified'),
    });
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '[2606:4700::1111]'])('allows the public %s', (address) => {
    expect(classifyWebhookAddress(address, PUBLIC_ONLY)).toMatchObject({ allowed: true });
  });

  it('allows the ranges in WEBHOOK_ALLOWED_ADDRESSES, and nothing next to them', () => {
    expect(classifyWebhookAddress('127.77.0.1', local)).toEqual({ allowed: true, address: '127.77.0.1' });
    expect(classifyWebhookAddress('::ffff:127.77.3.4', local)).toEqual({ allowed: true, address: '127.77.3.4' });
    expect(classifyWebhookAddress('fd00:77::5', local)).toMatchObject({ allowed: true });
    expect(classifyWebhookAddress('127.78.0.1', local)).toMatchObject({ allowed: false });
    expect(classifyWebhookAddress('fd00:78::5', local)).toMatchObject({ allowed: false });
  });

  it("refuses the engine's address even inside an allowed range, in any spelling", () => {
    const wide = { allowed: parseAllowedAddresses('127.0.0.0/8'), protectedAddresses: ['127.0.0.1'] };
    expect(classifyWebhookAddress('127.77.0.1', wide)).toMatchObject({ allowed: true });
    for (const spelling of ['127.0.0.1', '::ffff:127.0.0.1', '[::ffff:7f00:1]']) {
      expect(classifyWebhookAddress(spelling, wide)).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('engine'),
      });
    }
  });

  it('is no address for a name', () => {
    expect(normaliseAddress('crm.example.org')).toBeNull();
    expect(classifyWebhookAddress('crm.example.org', PUBLIC_ONLY)).toMatchObject({ allowed: false });
  });
});

describe('parseAllowedAddresses', () => {
  it('reads CIDRs, and refuses what is none or would allow everything', () => {
    expect(parseAllowedAddresses('')).toEqual([]);
    expect(parseAllowedAddresses(' 127.77.0.0/16 ,fd00::/8')).toHaveLength(2);
    expect(() => parseAllowedAddresses('127.77.0.1')).toThrow(/not a CIDR/);
    expect(() => parseAllowedAddresses('localhost/8')).toThrow(/not a CIDR/);
    expect(() => parseAllowedAddresses('0.0.0.0/0')).toThrow(/unspecified/);
    expect(() => parseAllowedAddresses('::/0')).toThrow(/unspecified/);
  });
});

describe('resolveWebhookAddress', () => {
  const dns = resolverOf({
    'crm.example.org': ['93.184.215.14'],
    localhost: ['127.0.0.1', '::1'],
    'intranet.example.org': ['10.1.2.3'],
    'mixed.example.org': ['93.184.215.14', '127.0.0.1'],
    'metadata.example.org': ['169.254.169.254'],
    'receiver.test': ['127.77.0.9'],
  });

  it('gives the checked address of a public name', async () => {
    await expect(resolveWebhookAddress('crm.example.org', local, dns)).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
    await expect(resolveWebhookAddress('receiver.test', local, dns)).resolves.toMatchObject({ address: '127.77.0.9' });
  });

  it.each([
    ['localhost', /127\.0\.0\.1 is an address of the engine/],
    ['intranet.example.org', /10\.1\.2\.3 is a private address/],
    ['metadata.example.org', /169\.254\.169\.254 is a linkLocal address/],
    ['mixed.example.org', /127\.0\.0\.1 is an address of the engine/],
    ['nowhere.example.org', /does not resolve \(ENOTFOUND\)/],
    ['127.0.0.1', /127\.0\.0\.1 is an address of the engine/],
    ['[::1]', /::1 is a loopback address/],
  ])('refuses %s', async (host, reason) => {
    await expect(resolveWebhookAddress(host, local, dns)).rejects.toThrow(reason);
  });

  it('asks DNS once; the lookup it hands to the connection answers with the checked address only', async () => {
    // DNS rebinding: public for the check, loopback for whoever asks next.
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    let asked = 0;
    const rebinding: ResolveAll = async () =>
      (answers[Math.min(asked++, 1)] ?? []).map((address) => ({ address, family: 4 }));
    const checked = await resolveWebhookAddress('rebind.example.org', local, rebinding);
    expect(checked.address).toBe('93.184.215.14');
    const lookup = pinnedLookup(checked);
    const one = await new Promise((resolve) =>
      lookup('rebind.example.org', {}, (err, address, family) => resolve({ err, address, family })),
    );
    const all = await new Promise((resolve) =>
      lookup('rebind.example.org', { all: true }, (err, addresses) => resolve({ err, addresses })),
    );
    expect(one).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(all).toEqual({ err: null, addresses: [{ address: '93.184.215.14', family: 4 }] });
    expect(asked).toBe(1);
  });
});

describe('protectedAddressesOf', () => {
  it('resolves the components’ hosts, and skips what does not resolve', async () => {
    const dns = resolverOf({ engine: ['172.18.0.5'], user: ['172.18.0.6'] });
    await expect(
      protectedAddressesOf(
        [
          'http://engine:8081/engine-rest',
          'http://user:3001/.well-known/jwks.json',
          'http://gone:1/',
          '0.0.0.0',
          undefined,
        ],
        dns,
      ),
    ).resolves.toEqual(['172.18.0.5', '172.18.0.6']);
    await expect(protectedAddressesOf(['http://127.0.0.1:8081/engine-rest', '127.0.0.1'], dns)).resolves.toEqual([
      '127.0.0.1',
    ]);
  });
});

describe('the URL checks use the same classification', () => {
  it('checkWebhookUrl: a listed host that is an internal address is refused', () => {
    const hosts = ['127.0.0.1', '127.77.0.1', '10.0.0.5', 'localhost'];
    expect(checkWebhookUrl('http://127.77.0.1:9/hook', hosts, local)).toEqual({ allowed: true, host: '127.77.0.1' });
    expect(checkWebhookUrl('http://127.0.0.1:8081/', hosts, local)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^host 127\.0\.0\.1 is refused: .*engine/),
    });
    expect(checkWebhookUrl('http://10.0.0.5/', hosts, local)).toMatchObject({ allowed: false });
    // A name is judged on its addresses at delivery.
    expect(checkWebhookUrl('http://localhost/', hosts, local)).toMatchObject({ allowed: true });
  });

  it('checkEndpointUrl: any host, but an internal address written in it is refused', () => {
    expect(checkEndpointUrl('https://crm.example.org/hook', local)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl('http://[::ffff:127.0.0.1]:8081/', local)).toMatchObject({ allowed: false });
    expect(checkEndpointUrl('http://169.254.169.254/', local)).toMatchObject({ allowed: false });
    expect(checkEndpointUrl('http://2130706433/', local)).toMatchObject({ allowed: false });
    expect(checkEndpointUrl('ftp://crm.example.org/', local)).toMatchObject({ allowed: false });
  });
});
