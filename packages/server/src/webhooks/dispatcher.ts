/**
 * Webhook delivery from the store's outbox. Every message is delivered on its own, from a bounded
 * pool of concurrent deliveries that is fair across integrations: at most `perIntegration` of one
 * integration's messages and `perEndpoint` of one endpoint's are in flight at once, so an endpoint
 * that never answers holds a few slots for `timeoutMs` each and delays no other integration.
 *
 * A failed delivery is retried on a schedule (Standard Webhooks' by default) and given up after
 * the last try; an endpoint that fails `disableAfter` times in a row is disabled with the reason
 * recorded (its owner or an administrator turns it back on). Messages of one result go out in
 * order (`attempt.completed` before `session.*`). Several instances share the work: a message is
 * leased when claimed, and a crashed instance's leases run out and are taken again.
 */
import type { Clock } from '../clock.ts';
import type { Sealer } from '../keys/sealing.ts';
import type { Store, WebhookDelivery } from '../store.ts';
import { createWebhookSender, type WebhookSender } from './egress.ts';
import { secretContext, webhookHeaders } from './signing.ts';

export interface WebhookDispatcherOptions {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  /** Waits between delivery attempts, after the first; the message is given up after the last. */
  retryScheduleMs?: readonly number[];
  /** How long to wait for a receiver to answer. */
  timeoutMs?: number;
  /** How often to look for due messages when idle. */
  pollMs?: number;
  /** Deliveries in flight in this process. */
  concurrency?: number;
  perIntegration?: number;
  perEndpoint?: number;
  /** Disable an endpoint after this many failed deliveries in a row. */
  disableAfter?: number;
  /** How messages are sent; by default only to public addresses (see `egress.ts`). */
  send?: WebhookSender;
  onError?: (error: unknown) => void;
  /** Told when an endpoint is disabled for failing (for the operator's log). */
  onDisabled?: (endpointId: string) => void;
}

/**
 * The specification's suggested schedule: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h: about a day and a half before a message is given up.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export const WEBHOOK_DEFAULTS = { timeoutMs: 5_000, pollMs: 1_000, concurrency: 16, perIntegration: 4, perEndpoint: 2, disableAfter: 20 } as const;

export interface WebhookDispatcher {
  start(): void;
  /** Stops claiming and waits for deliveries under way, so a graceful restart sends nothing twice. */
  stop(): Promise<void>;
  /** Claims what is due now and waits for those deliveries; resolves with how many it tried. */
  runOnce(): Promise<number>;
  /** Deliveries in flight now. */
  readonly inFlight: number;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const { timeoutMs, pollMs, concurrency, perIntegration, perEndpoint, disableAfter } = { ...WEBHOOK_DEFAULTS, ...stripUndefined(options) };
  const send = options.send ?? createWebhookSender({ allowPrivate: false });
  // A claimed message is not taken again until well after its request must have ended.
  const leaseMs = timeoutMs * 3 + 5_000;
  const byIntegration = new Map<string, number>();
  const byEndpoint = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let claiming: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  const bump = (map: Map<string, number>, key: string, by: number) => {
    const next = (map.get(key) ?? 0) + by;
    if (next <= 0) map.delete(key);
    else map.set(key, next);
  };

  async function deliver({ message, endpoint }: WebhookDelivery): Promise<void> {
    const at = options.clock.now();
    const secret = await options.sealer.open(endpoint.secretSealed, secretContext(endpoint.id));
    const headers = { 'content-type': 'application/json', 'user-agent': 'Liveproof-Webhooks/1', ...webhookHeaders(secret, message.id, new Date(at), message.body) };
    const { status, error } = await send(endpoint.url, { headers, body: message.body, timeoutMs });
    const delivered = error === null;
    const wait = delivered ? undefined : schedule[message.attempts];
    const { endpointDisabled } = await options.store.recordWebhookAttempt(message.id, {
      at,
      delivered,
      responseStatus: status,
      error,
      retryAt: delivered || wait === undefined ? null : options.clock.now() + wait,
      disableAfter,
    });
    if (endpointDisabled) options.onDisabled?.(endpoint.id);
  }

  function launch(delivery: WebhookDelivery): void {
    const { integrationId, endpointId } = delivery.message;
    bump(byIntegration, integrationId, 1);
    bump(byEndpoint, endpointId, 1);
    const task: Promise<void> = deliver(delivery)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running.delete(task);
        bump(byIntegration, integrationId, -1);
        bump(byEndpoint, endpointId, -1);
        // A slot is free: look for more at once rather than at the next poll.
        pump();
      });
    running.add(task);
  }

  /** Claims as many due messages as there are free slots, fairly, and starts them. */
  async function claim(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0) return 0;
    const due = await options.store.claimWebhookMessages({
      now: options.clock.now(),
      limit: free,
      leaseMs,
      perIntegration,
      skipEndpoints: [...byEndpoint].filter(([, n]) => n >= perEndpoint).map(([id]) => id),
      skipIntegrations: [...byIntegration].filter(([, n]) => n >= perIntegration).map(([id]) => id),
    });
    for (const delivery of due) launch(delivery);
    return due.length;
  }

  /** Claims for the free slots; again at once if that filled some and more may be due. */
  function pump(): void {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    again = false;
    claiming = claim().catch((error: unknown) => {
      options.onError?.(error);
      return 0;
    });
    void claiming.then((n) => {
      claiming = undefined;
      if (again || (n > 0 && running.size < concurrency)) pump();
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(pump, pollMs);
      timer.unref?.();
      pump();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await claiming;
      await Promise.all([...running]);
    },
    async runOnce() {
      const n = await claim();
      await Promise.all([...running]);
      return n;
    },
    get inFlight() {
      return running.size;
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
