/**
 * Webhooks as the Standard Webhooks specification describes them: each message has an id
 * (`webhook-id`, the same on every retry, so receivers can drop repeats), a timestamp and an
 * HMAC-SHA256 signature over `id.timestamp.body` with the endpoint's `whsec_` secret. Signing uses
 * `standardwebhooks`, the specification's reference library, so that our signatures and every
 * receiver's verification agree byte for byte.
 *
 * Delivery is from an outbox in the store: the messages of an attempt's result are written in the
 * same transaction as the result, and a dispatcher polls for due messages, so a restart or a crash
 * loses none. Retries back off on a schedule; a message is given up after the last one.
 */
import { Webhook } from 'standardwebhooks';
import { assuranceOf } from './signals.ts';
import type { Clock } from './clock.ts';
import { cryptoRandom, newId, type RandomSource } from './ids.ts';
import type {
  AttemptOutcome,
  AttemptRecord,
  NewWebhookMessage,
  SessionRecord,
  Store,
  WebhookAttemptResult,
  WebhookDelivery,
  WebhookEndpointRecord,
  WebhookEventType,
} from './store.ts';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['attempt.completed', 'session.passed', 'session.failed'];

/**
 * A fresh endpoint secret: `whsec_` and base64 of 32 random bytes (24 to 64 bytes, says the
 * specification). Always from WebCrypto, even when a seeded source draws ids for an evaluation.
 */
export function newWebhookSecret(): string {
  const bytes = cryptoRandom(32);
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The three headers of one delivery attempt. */
export function webhookHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** What every event's `data` says about the attempt. */
function attemptData(session: SessionRecord, attempt: Pick<AttemptRecord, 'id' | 'sequence' | 'challenges'>, outcome: AttemptOutcome) {
  return {
    sessionId: session.id,
    candidateRef: session.candidateRef,
    interviewRef: session.interviewRef,
    attemptId: attempt.id,
    sequence: attempt.sequence,
    result: outcome.status === 'passed' ? 'pass' : 'fail',
    challenges: attempt.challenges,
    reasons: outcome.reasons,
    signals: outcome.signals,
    assurance: assuranceOf(outcome.signals),
    completedAt: new Date(outcome.completedAt).toISOString(),
  };
}

/**
 * The messages an attempt's result causes, one per subscribed endpoint and event:
 * `attempt.completed` always, `session.passed` on a pass, `session.failed` when a fail used up the
 * session's last attempt.
 */
export function messagesForResult(
  endpoints: readonly WebhookEndpointRecord[],
  session: SessionRecord,
  attempt: Pick<AttemptRecord, 'id' | 'sequence' | 'challenges'>,
  outcome: AttemptOutcome,
  random: RandomSource,
): NewWebhookMessage[] {
  const types: WebhookEventType[] = ['attempt.completed'];
  if (outcome.status === 'passed') types.push('session.passed');
  else if (attempt.sequence >= session.attemptLimit) types.push('session.failed');
  const data = attemptData(session, attempt, outcome);
  const timestamp = new Date(outcome.completedAt).toISOString();
  return endpoints.flatMap((endpoint) =>
    types
      .filter((type) => endpoint.events.includes(type))
      .map((type) => ({
        id: newId('msg', random),
        endpointId: endpoint.id,
        integrationId: session.integrationId,
        type,
        body: JSON.stringify({ type, timestamp, data }),
        createdAt: outcome.completedAt,
      })),
  );
}

export interface WebhookDispatcherOptions {
  store: Store;
  clock: Clock;
  /** Waits between delivery attempts, after the first; the message is given up after the last. */
  retryScheduleMs?: readonly number[];
  /** How long to wait for a receiver to answer. */
  timeoutMs?: number;
  /** How often to look for due messages. */
  pollMs?: number;
  /** Messages taken per poll. */
  batchSize?: number;
  fetch?: typeof fetch;
  onError?: (error: unknown) => void;
}

/**
 * The specification's suggested schedule: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h: about a day and a half before a message is given up.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export interface WebhookDispatcher {
  start(): void;
  /** Stops polling and waits for deliveries under way, so a graceful restart sends nothing twice. */
  stop(): Promise<void>;
  /** One poll: delivers what is due now; resolves with how many messages it tried. */
  runOnce(): Promise<number>;
}

/** Bodies of error responses are not read: only the status counts. */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 20;
  const send = options.fetch ?? fetch;
  // A claimed message is not taken again until well after its request must have ended.
  const leaseMs = timeoutMs * 3;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function deliver({ message, endpoint }: WebhookDelivery): Promise<void> {
    const at = options.clock.now();
    const result: WebhookAttemptResult = { at, delivered: false, responseStatus: null, error: null, retryAt: null };
    try {
      const response = await send(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Liveproof-Webhooks/1', ...webhookHeaders(endpoint.secret, message.id, new Date(at), message.body) },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      result.responseStatus = response.status;
      result.delivered = response.status >= 200 && response.status < 300;
      if (!result.delivered) result.error = `HTTP ${response.status}`;
    } catch (error) {
      result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (!result.delivered) {
      const wait = schedule[message.attempts];
      result.retryAt = wait === undefined ? null : options.clock.now() + wait;
    }
    await options.store.recordWebhookAttempt(message.id, result);
  }

  async function runOnce(): Promise<number> {
    const due = await options.store.claimWebhookMessages(options.clock.now(), batchSize, leaseMs);
    await Promise.all(due.map(deliver));
    return due.length;
  }

  function schedulePoll(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedulePoll);
    }, pollMs);
    timer.unref?.();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedulePoll();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    runOnce,
  };
}
