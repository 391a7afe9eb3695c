/**
 * @liveproof/verify: check a Liveproof liveness token offline, against the issuer's JWKS, before
 * trusting its result. Runs anywhere WebCrypto and `fetch` do (Node 20+, Deno, Bun, workers).
 * `verifyWebhook` checks the signature of the webhooks it sends (Standard Webhooks).
 * The `liveproof-verify` command line lives in `cli.ts` and is not part of this API.
 */
export { verifyLivenessToken } from './verify.ts';
export type { VerifyOptions, VerifiedLiveness } from './verify.ts';
export { verifyWebhook } from './webhooks.ts';
export type { VerifyWebhookOptions, VerifiedWebhook, WebhookHeaders } from './webhooks.ts';
export { decodeLivenessToken } from './decode.ts';
export type { UnverifiedLivenessToken } from './decode.ts';
export type { LivenessClaims, LivenessChallenge } from './claims.ts';
export type { JwksSource } from './jwks.ts';
export { LiveproofError, isLiveproofError, ErrorCode } from '@liveproof/protocol';
export type { AttemptKind, CheckResult, LivenessTokenClaims } from '@liveproof/protocol';
