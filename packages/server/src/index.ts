/**
 * @liveproof/server: the Liveproof API as a Hono app factory, its storage contract and the two
 * stores that implement it.
 */
export { createLiveproofApp } from './app.ts';
export type { LiveproofApp, LiveproofAppOptions } from './app.ts';
export { DEFAULT_CONFIG, MAX_TOKEN_TTL_SECONDS, resolveConfig } from './config.ts';
export type { LiveproofConfig, RateLimitConfig } from './config.ts';
export { systemClock, manualClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { createKeyRing } from './keys.ts';
export type { KeyRing, KeyRingOptions, Signer } from './keys.ts';
export { cryptoRandom, seededRandom, newId, sha256Hex } from './ids.ts';
export type { RandomSource } from './ids.ts';
export { RiskSignal, deviceSignals, isVirtualCameraLabel, assuranceOf } from './signals.ts';
export { createIntegration } from './integrations.ts';
export { createWebhookDispatcher, webhookHeaders, newWebhookSecret, messagesForResult, WEBHOOK_EVENT_TYPES, DEFAULT_RETRY_SCHEDULE_MS } from './webhooks.ts';
export type { WebhookDispatcher, WebhookDispatcherOptions } from './webhooks.ts';
export { createLocalEventBus, createPostgresEventBus } from './events.ts';
export type { EventBus, SessionListener } from './events.ts';
export { createSqliteStore } from './stores/sqlite.ts';
export { createPostgresStore } from './stores/postgres.ts';
export type {
  Store,
  IntegrationRecord,
  SigningKeyRecord,
  SessionRecord,
  AttemptRecord,
  NewAttempt,
  AttemptOutcome,
  AttemptRefusal,
  AuditEvent,
  AuditEventRecord,
  VirtualCameraPolicy,
  WebhookEventType,
  WebhookEndpointRecord,
  WebhookMessageRecord,
  WebhookMessageStatus,
  NewWebhookMessage,
  WebhookDelivery,
  WebhookAttemptResult,
} from './store.ts';
