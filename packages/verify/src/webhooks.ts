/**
 * `verifyWebhook`: check that a webhook really came from your Liveproof server, as the Standard
 * Webhooks specification describes: the HMAC-SHA256 signature (computed with `standardwebhooks`,
 * the specification's reference library) over `webhook-id.webhook-timestamp.body` with your
 * endpoint's `whsec_` secret, and a timestamp within five minutes of now, so that a captured
 * delivery cannot be replayed later. Pass the raw body exactly as received: parsing and
 * re-serialising JSON changes the bytes and breaks the signature.
 *
 * Deliveries are at least once: keep the `id` of the messages you have handled and ignore repeats.
 */
import { Webhook } from 'standardwebhooks';
import { LiveproofError } from '@liveproof/protocol';

export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** Largest distance between the timestamp and now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time, for tests. Default: now. */
  now?: Date;
}

export interface VerifiedWebhook<T = unknown> {
  /** `webhook-id`: the same on every retry of one message. */
  id: string;
  timestamp: Date;
  /** `attempt.completed`, `session.passed`, `session.failed`, `session.expired` or `case.decided`. */
  type: string;
  data: T;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return undefined;
}

/** Compares without stopping at the first difference, so timing does not reveal how much matched. */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function verifyWebhook<T = unknown>(body: string, headers: WebhookHeaders, secret: string, options: VerifyWebhookOptions = {}): VerifiedWebhook<T> {
  const id = header(headers, 'webhook-id');
  const timestampHeader = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampHeader || !signatures) {
    throw new LiveproofError('webhook_headers_missing', 'webhook-id, webhook-timestamp and webhook-signature are all required.');
  }
  const seconds = /^\d{1,12}$/.test(timestampHeader) ? Number(timestampHeader) : Number.NaN;
  const now = (options.now ?? new Date()).getTime() / 1000;
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isFinite(seconds) || Math.abs(now - seconds) > tolerance) {
    throw new LiveproofError('webhook_timestamp_invalid', `The webhook's timestamp is not within ${tolerance} s of now.`, { details: { timestamp: timestampHeader } });
  }
  let expected: string;
  try {
    expected = new Webhook(secret).sign(id, new Date(seconds * 1000), body).slice('v1,'.length);
  } catch (error) {
    throw new LiveproofError('webhook_signature_invalid', 'The webhook secret is not a valid whsec_ secret.', { cause: error });
  }
  const matched = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    return version === 'v1' && signature !== undefined && equalInConstantTime(signature, expected);
  });
  if (!matched) throw new LiveproofError('webhook_signature_invalid', 'No webhook-signature matches the body and your secret.');
  let event: { type?: unknown; data?: unknown };
  try {
    event = JSON.parse(body) as typeof event;
  } catch (error) {
    throw new LiveproofError('webhook_signature_invalid', 'The signed body is not JSON.', { cause: error });
  }
  return { id, timestamp: new Date(seconds * 1000), type: String(event.type), data: event.data as T };
}
