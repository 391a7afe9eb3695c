/**
 * @liveproof/server: the Liveproof API as a Hono app factory, its storage contract, the domain
 * rules it is built on, and what a deployment runs beside it (webhook delivery, maintenance). The
 * stores are in their own entry points, `@liveproof/server/sqlite` and `@liveproof/server/postgres`,
 * so importing this one loads neither database driver.
 */
export { createLiveproofApp } from './app.ts';
export type { LiveproofApp, LiveproofAppOptions } from './app.ts';
export { DEFAULT_CONFIG, MAX_TOKEN_TTL_SECONDS, resolveConfig } from './config.ts';
export type { LiveproofConfig, RateLimitConfig, StreamLimits } from './config.ts';
export type { AppEnv, Deps } from './context.ts';
export { systemClock, manualClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { createKeyRing, rewrapSigningKeys } from './keys/key-ring.ts';
export type { KeyRing, KeyRingOptions, KeyStatus, Signer } from './keys/key-ring.ts';
export { SealingError, createSealer, newKek, parseKek } from './keys/sealing.ts';
export type { Sealer } from './keys/sealing.ts';
export { cryptoRandom, seededRandom } from './random.ts';
export type { RandomSource } from './random.ts';
export { evaluateResult, inlineScorer, maxFramesFor, maxResultBytesFor } from './domain/evidence.ts';
export type { Evaluation, EvidenceInput, Scorer } from './domain/evidence.ts';
export { FACE_RULES, checkFrames, inlineFaceMeasurer, traceDigest } from './domain/faces.ts';
export type { FaceMeasurer, FrameCheckResult } from './domain/faces.ts';
export { RiskSignal, POLICY_SIGNALS, deviceSignals, isVirtualCameraLabel, assuranceOf, judgeSignals, networkSignals, policyFor } from './domain/signals.ts';
export { createIpIntel, ipListTexts, parseCidrList, IP_LIST_NAMES } from './network/ip-lists.ts';
export type { AddressFacts, IpIntel, IpListName, IpListsInfo, IpListTexts } from './network/ip-lists.ts';
export { parseAddress, relateAddresses, networkOf } from './network/addresses.ts';
export type { ParsedAddress, AddressRelation } from './network/addresses.ts';
export { observeNetwork, zoneCountries } from './network/facts.ts';
export { startIceResponder } from './network/ice-responder.ts';
export type { IceResponder, IceResponderOptions } from './network/ice-responder.ts';
export type { IceCandidate, IceConfig } from './network/ice.ts';
export { FREE_STOPS, admit, attemptStatus, attemptsRemaining, checksUsed, sessionStatus, settle } from './domain/session-rules.ts';
export type { LifecycleEvent } from './domain/session-rules.ts';
export {
  addApiKey,
  createAdminKey,
  createIntegration,
  integrationForApiKey,
  integrationView,
  apiKeyView,
  revokeApiKey,
  rotateApiKey,
  updateIntegration,
  MAX_ACTIVE_API_KEYS,
} from './domain/integrations.ts';
export type { IntegrationSettings } from './domain/integrations.ts';
export { clientTokenFor, createSession, viewerTokenFor } from './domain/sessions.ts';
export { createEndpoint, deleteEndpoint, endpointView, setEndpointEnabled } from './domain/webhook-endpoints.ts';
export { sessionOfIntegration } from './domain/access.ts';
export { sessionView } from './domain/views.ts';
export { createMaintenance, purgeExpired, sweepSessions } from './domain/maintenance.ts';
export type { Maintenance } from './domain/maintenance.ts';
export { createWebhookDispatcher, DEFAULT_RETRY_SCHEDULE_MS, WEBHOOK_DEFAULTS } from './webhooks/dispatcher.ts';
export type { WebhookDispatcher, WebhookDispatcherOptions } from './webhooks/dispatcher.ts';
export { checkWebhookUrl, createWebhookSender, isPublicAddress } from './webhooks/egress.ts';
export type { EgressPolicy, WebhookSender } from './webhooks/egress.ts';
export { WEBHOOK_EVENT_TYPES } from './webhooks/messages.ts';
export { rewrapWebhookSecrets } from './webhooks/signing.ts';
export { createLocalEventBus } from './event-bus.ts';
export type { BusEvent, EventBus, SessionListener } from './event-bus.ts';
export { PAGE_CSP } from './http/security-headers.ts';
export { PUBLIC_PATHS } from './http/routes/public.ts';
export { errorBody, toLiveproofError } from './http/errors.ts';
export { bearer, rateLimit } from './http/guards.ts';
export { sha256Hex } from './encoding.ts';
export type * from './store.ts';
