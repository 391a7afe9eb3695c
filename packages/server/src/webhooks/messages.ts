/**
 * What webhooks say: the body of each lifecycle event, and the outbox messages a settlement causes,
 * one per subscribed endpoint and event, chained so that a receiver sees `attempt.completed` before
 * the `session.*` event the same result caused.
 */
import type { LifecycleEvent } from '../domain/session-rules.ts';
import { assuranceOf } from '../domain/signals.ts';
import { interviewOf } from '../domain/views.ts';
import { checksUsed } from '../domain/session-rules.ts';
import { newId, type RandomSource } from '../random.ts';
import type { AttemptRecord, AttemptState, NewWebhookMessage, SessionRecord, WebhookEndpointRecord, WebhookEventType } from '../store.ts';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['attempt.completed', 'session.passed', 'session.failed', 'session.expired', 'case.decided'];

const iso = (ms: number) => new Date(ms).toISOString();

/** What `attempt.completed` (and a `session.*` a result caused) says about the attempt. */
export function attemptData(session: SessionRecord, attempt: AttemptRecord) {
  return {
    sessionId: session.id,
    candidateRef: session.candidateRef,
    interviewRef: interviewOf(session),
    attemptId: attempt.id,
    sequence: attempt.sequence,
    kind: attempt.kind,
    result: attempt.status === 'passed' ? 'pass' : 'fail',
    challenges: attempt.challenges,
    reasons: attempt.reasons,
    signals: attempt.signals,
    assurance: assuranceOf(attempt.signals),
    ...(attempt.risk ? { risk: attempt.risk } : {}),
    completedAt: iso(attempt.completedAt ?? attempt.createdAt),
  };
}

export interface MessageContext {
  session: SessionRecord;
  attempts: readonly AttemptState[];
  /** The attempt whose result caused the events, if a result did. */
  completed: AttemptRecord | null;
  endpoints: readonly WebhookEndpointRecord[];
  now: number;
  random: RandomSource;
}

function body(event: LifecycleEvent, ctx: MessageContext): Record<string, unknown> {
  const { session, completed } = ctx;
  if (event.type === 'attempt.completed') return attemptData(session, completed!);
  const status = event.type.slice('session.'.length);
  if (event.cause === 'result' && completed) return { ...attemptData(session, completed), status, cause: event.cause };
  return {
    sessionId: session.id,
    candidateRef: session.candidateRef,
    interviewRef: interviewOf(session),
    status,
    cause: event.cause,
    attemptId: event.attemptId,
    attemptsUsed: checksUsed(ctx.attempts),
    attemptLimit: session.attemptLimit,
  };
}

/** The outbox messages for `events`, for every enabled endpoint subscribed to them, in order. */
export function messagesFor(events: readonly LifecycleEvent[], ctx: MessageContext): NewWebhookMessage[] {
  const timestamp = iso(ctx.completed?.completedAt ?? ctx.now);
  const messages: NewWebhookMessage[] = [];
  for (const endpoint of ctx.endpoints) {
    if (endpoint.disabledAt !== null) continue;
    let previous: string | null = null;
    for (const event of events) {
      if (!endpoint.events.includes(event.type)) continue;
      const id = newId('msg', ctx.random);
      messages.push({
        id,
        endpointId: endpoint.id,
        integrationId: ctx.session.integrationId,
        type: event.type,
        body: JSON.stringify({ type: event.type, timestamp, data: body(event, ctx) }),
        createdAt: ctx.now,
        afterId: previous,
      });
      previous = id;
    }
  }
  return messages;
}
