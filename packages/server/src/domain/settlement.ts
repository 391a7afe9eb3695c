/**
 * The settle rule a store runs in its transaction: the session rules' verdict, as webhook messages,
 * and a review case for an attempt that carried a flagged signal.
 */
import { newId, type RandomSource } from '../random.ts';
import type { SettleRule, WebhookEndpointRecord } from '../store.ts';
import { messagesFor } from '../webhooks/messages.ts';
import { settle } from './session-rules.ts';

export function settlementRule(endpoints: readonly WebhookEndpointRecord[], now: number, random: RandomSource): SettleRule {
  return (session, attempts, completed) => {
    const settled = settle(session, attempts, completed, now);
    const messages = messagesFor(settled.events, { session, attempts, completed, endpoints, now, random });
    const review = completed && completed.signals.length > 0 ? { review: { caseId: newId('cas', random), signals: completed.signals, at: now } } : {};
    return { ...(settled.status ? { status: settled.status } : {}), messages, ...review };
  };
}
