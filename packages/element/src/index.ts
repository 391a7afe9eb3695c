/**
 * @liveproof/element: `<liveproof-check>`, the in-browser liveness check, `<liveproof-badge>`, what
 * the interviewer sees, and the pieces they are made of (face engine, feature extraction, challenge
 * runner, attempt key) for those who build their own. Importing it has no side effect: the tags are
 * registered by `@liveproof/element/define`, or one at a time with the `define…` functions.
 */
export { LiveproofCheck, defineLiveproofCheck } from './liveproof-check.ts';
export type { CheckMetrics } from './liveproof-check.ts';
export { BADGE_STATUSES, LiveproofBadge, defineLiveproofBadge, timeAgo } from './liveproof-badge.ts';
export { LiveproofBadgeChangeEvent } from './events/badge-change.ts';
export type { BadgeStatus } from './liveproof-badge.ts';
export { verifyForBadge } from './badge/verify-token.ts';
export type { BadgeVerdict, BadgeTrust } from './badge/verify-token.ts';
export { LiveproofCompleteEvent } from './events/complete.ts';
export type { LiveproofCompleteDetail } from './events/complete.ts';
export { LiveproofErrorEvent } from './events/error.ts';
export type { LiveproofErrorDetail } from './events/error.ts';
export { LiveproofPromptEvent } from './events/prompt.ts';
export type { LiveproofPromptDetail } from './events/prompt.ts';
export { LiveproofStateEvent, CheckState } from './events/state.ts';
export { createFaceEngine } from './engine.ts';
export type { FaceEngine, FaceEngineOptions, MediapipeManifest } from './engine.ts';
export { frameFromResult, poseFromMatrix } from './features.ts';
export { CheckRunner } from './runner.ts';
export type { RunnerPhase, RunnerPlan, PositioningUpdate, ChallengeUpdate } from './runner.ts';
export { assessPosition, PositionHint, POSITION_HINT_TEXT } from './positioning.ts';
export { createAttemptKey } from './attempt-key.ts';
export type { AttemptKey } from './attempt-key.ts';
export { ApiClient } from './api.ts';
export { FrameMeter, analyseFrame } from './frame-meter.ts';
