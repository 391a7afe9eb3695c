import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './webhooks.ts';

/** The example of the Standard Webhooks / Svix documentation: a signature computed by someone else. */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = '1614265330';
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const AT = new Date(Number(TIMESTAMP) * 1000);

const headers = (overrides: Record<string, string | undefined> = {}) => ({ 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE, ...overrides });

describe('verifyWebhook', () => {
  it('accepts the specification example, with headers in any case or as a Headers object', () => {
    expect(verifyWebhook(BODY, headers(), SECRET, { now: AT })).toMatchObject({ id: ID, timestamp: AT, data: undefined });
    expect(verifyWebhook(BODY, { 'Webhook-Id': ID, 'Webhook-Timestamp': TIMESTAMP, 'Webhook-Signature': SIGNATURE }, SECRET, { now: AT }).id).toBe(ID);
    expect(verifyWebhook(BODY, new Headers(headers()), SECRET, { now: AT }).id).toBe(ID);
  });

  it('accepts any one matching signature among several (secret rotation)', () => {
    const both = `v1,bm90IHRoZSBzaWduYXR1cmUgeW91IGFyZSBsb29raW5nIGZvcg== ${SIGNATURE}`;
    expect(verifyWebhook(BODY, headers({ 'webhook-signature': both }), SECRET, { now: AT }).id).toBe(ID);
  });

  it('refuses a changed body, id or timestamp, another secret, and other signature versions', () => {
    const invalid = expect.objectContaining({ code: 'webhook_signature_invalid' });
    expect(() => verifyWebhook(BODY.replace('4', '5'), headers(), SECRET, { now: AT })).toThrow(invalid);
    expect(() => verifyWebhook(BODY, headers({ 'webhook-id': `${ID}x` }), SECRET, { now: AT })).toThrow(invalid);
    expect(() => verifyWebhook(BODY, headers({ 'webhook-timestamp': String(Number(TIMESTAMP) + 1) }), SECRET, { now: AT })).toThrow(invalid);
    expect(() => verifyWebhook(BODY, headers(), 'whsec_' + btoa('another secret of 32 bytes......'), { now: AT })).toThrow(invalid);
    expect(() => verifyWebhook(BODY, headers({ 'webhook-signature': SIGNATURE.replace('v1,', 'v1a,') }), SECRET, { now: AT })).toThrow(invalid);
  });

  it('refuses a delivery more than five minutes from now either way, so a captured one cannot be replayed later', () => {
    const stale = expect.objectContaining({ code: 'webhook_timestamp_invalid' });
    expect(() => verifyWebhook(BODY, headers(), SECRET, { now: new Date(AT.getTime() + 301_000) })).toThrow(stale);
    expect(() => verifyWebhook(BODY, headers(), SECRET, { now: new Date(AT.getTime() - 301_000) })).toThrow(stale);
    expect(verifyWebhook(BODY, headers(), SECRET, { now: new Date(AT.getTime() + 299_000) }).id).toBe(ID);
    expect(() => verifyWebhook(BODY, headers({ 'webhook-timestamp': '1614265330.5' }), SECRET, { now: AT })).toThrow(stale);
  });

  it('refuses a delivery without its three headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(() => verifyWebhook(BODY, headers({ [name]: undefined }), SECRET, { now: AT })).toThrow(expect.objectContaining({ code: 'webhook_headers_missing' }));
    }
  });
});
