import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret-0123456789';
  const body = '{"type":"contract.signed","data":{"courseCode":"NODE"}}';
  const now = 1_795_000_000_000;
  const timestamp = String(now / 1000);

  it('is v1= and a hex HMAC-SHA256 over "<timestamp>.<body>"', () => {
    // Computed independently: printf '1795000000.%s' "$body" | openssl dgst -sha256 -hmac "$secret"
    expect(signWebhook(secret, now / 1000, body)).toBe(
      'v1=f58121af105100ee2f99f44b0f672b3ab816f51ffe5ce37fa777d72f71facf06',
    );
    expect(signWebhook(secret, now / 1000, body)).not.toBe(signWebhook(secret, now / 1000 + 1, body));
  });

  it('verifies what was signed, and nothing altered', () => {
    const signature = signWebhook(secret, now / 1000, body);
    expect(verifyWebhook(secret, { timestamp, signature }, body, { now })).toBe(true);
    expect(verifyWebhook(secret, { timestamp, signature }, body.replace('NODE', 'NOD3'), { now })).toBe(false);
    expect(verifyWebhook('another-secret-value', { timestamp, signature }, body, { now })).toBe(false);
    expect(verifyWebhook(secret, { timestamp: String(now / 1000 + 1), signature }, body, { now })).toBe(false);
  });

  it('refuses a timestamp older than the tolerance (a replay)', () => {
    const old = now / 1000 - 600;
    const signature = signWebhook(secret, old, body);
    expect(verifyWebhook(secret, { timestamp: String(old), signature }, body, { now })).toBe(false);
  });
});
