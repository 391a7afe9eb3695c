/** The settle rule a store runs in its transaction: the session rules' verdict, as webhook messages. */
import type { RandomSource } from '../random.ts';
import type { SettleRule, WebhookEndpointRecord } from '../store.ts';
import { messagesFor } from '../webhooks/messages.ts';
import { settle } from './session-rules.ts';

export function settlementRule(endpoints: readonly WebhookEndpointRecord[], now: number, random: RandomSource): SettleRule {
  return (session, attempts, completed) => {
    const settled = settle(session, attempts, completed, now);
    const messages = messagesFor(settled.events, { session, attempts, completed, endpoints, now, random });
    return settled.status ? { status: settled.status, messages } : { messages };
  };
}
