/**
 * @liveproof/protocol: what the element, the server and hiring systems agree on. Isomorphic: no DOM
 * and no Node APIs, so the same scoring runs in the browser and on the server.
 */
export { ErrorCode, ErrorStatus, RetryableCodes, LiveproofError, isLiveproofError } from './errors.ts';
export type { ErrorBody } from './errors.ts';
export { ChallengeId, CHALLENGES, CHALLENGE_IDS, MOTION_CHALLENGE_IDS, PROFILE_CHALLENGE_IDS, isChallengeId, isProfileChallenge } from './challenges.ts';
export type { ChallengeKind, ChallengeSpec } from './challenges.ts';
export { ReasonCode, REASON_TEXT, SIGNAL_TEXT } from './reasons.ts';
export { THRESHOLDS, THRESHOLDS_V1, THRESHOLDS_V2, THRESHOLDS_V3, THRESHOLDS_V4, CURRENT_THRESHOLDS, thresholdsFor } from './thresholds.ts';
export type { Thresholds } from './thresholds.ts';
export { TRACE_VERSION, TRACE_BLENDSHAPES, BS, LIGHT_COLOURS, LIGHT_RGB, FACE_BOX_LIMITS, isWellFormedText, round } from './trace.ts';
export type { Trace, TraceFrame, TraceStep, TraceFlash, TraceBlendshape, FaceBox, HeadPose, DeviceInfo, LightColour } from './trace.ts';
export { computeBaseline, actionLevel, evaluateStep, holdMsFor, isFaceFrame, median } from './detect.ts';
export type { Baseline, FaceFrame, StepEvaluation, StepOutcome } from './detect.ts';
export { score, traceStats } from './score.ts';
export { evaluateLight, lightSequence, flashDuration, MIN_FLASH_MS } from './light.ts';
export type { LightSpec } from './light.ts';
export { jitterDeg, intervalStdMs, plausibilityReasons } from './plausibility.ts';
export type { ScoringPlan, StepVerdict, TraceStats, Verdict } from './score.ts';
export type { AddressScope, ClaimedRisk, IpListName, LinkFact, LocationMismatch, ObservedAddress, ObservedRisk, PhoneAnomaly, ReportedRisk, RiskFacts, UdpRelation } from './risk.ts';
export { LIVENESS_TOKEN_TYPE, CLIENT_TOKEN_TYPE, PLAN_TOKEN_TYPE, VIEWER_TOKEN_TYPE, SIGNING_ALG } from './wire.ts';
export type {
  SessionStatus,
  AttemptStatus,
  CheckResult,
  AttemptKind,
  Assurance,
  CreateSessionRequest,
  SessionClaims,
  CreateSessionResponse,
  SessionView,
  AttemptSummary,
  AttemptTimings,
  PublicEcJwk,
  StartAttemptRequest,
  StartAttemptResponse,
  Plan,
  ResultPayload,
  StopPayload,
  SubmitResultRequest,
  ResultResponse,
  LivenessTokenClaims,
  SessionEvent,
  SessionEventType,
  ProgressRequest,
  RttRequest,
  RttResponse,
  ResultNetwork,
  ViewerTokenResponse,
} from './wire.ts';
export {
  MAX_TRACE_FRAMES,
  MAX_STEPS,
  stopPayloadSchema,
  challengeIdSchema,
  createSessionSchema,
  publicJwkSchema,
  deviceSchema,
  startAttemptSchema,
  traceFrameSchema,
  traceSchema,
  resultPayloadSchema,
  frameRequestPayloadSchema,
  MAX_FRAME_BASE64,
  submitResultSchema,
  progressSchema,
  rttRequestSchema,
  viewerTokenSchema,
  idSchema,
  plainText,
} from './schemas.ts';
export { LOCAL_ADDRESS_CLASSES, candidateAddress, classifyCameraLabel, classifyLocalAddress, classifyRenderer, isRemoteCadence, localSetDigestInput } from './device-classes.ts';
export type { CameraClass, LocalAddressClass, RendererClass } from './device-classes.ts';
export {
  FRAME_SIDE,
  FRAME_QUALITY,
  MAX_FRAME_BYTES,
  MAX_FRAME_MOMENTS,
  HIGH_ASSURANCE_POLICIES,
  canonicalJson,
  cropSquare,
  drawFrameMoments,
  frameForMoment,
  traceDigestInput,
} from './frames.ts';
export type {
  FaceCheckName,
  FaceCheckSummary,
  FrameCommitment,
  FrameMoment,
  FrameMomentKind,
  FrameRequestPayload,
  FrameRequestResponse,
  HighAssurancePolicy,
  ResultFrame,
} from './frames.ts';
