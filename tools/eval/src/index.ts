/**
 * @liveproof/eval: the harness that plays the shared test footage against the product: Chromium
 * and server launchers, the responsive and offline actors, forgeries, presentations and the
 * evaluation report, replay odds, the network lab. Node only. It re-exports the data it plays
 * (`@liveproof/test-media`), so tests import from one place.
 */
export { REPO_ROOT, TEST_MEDIA_DIR, SHARED_MEDIA_DIR, MANIFEST_PATH, TRACES_DIR } from '@liveproof/test-media';
export { MEDIA_FOLDERS, PRESENTATION_KINDS, SEGMENT_ACTIONS, loadManifest, loadTrace, tracePath } from '@liveproof/test-media';
export type {
  MediaFolder,
  PresentationKind,
  SegmentAction,
  SegmentCheck,
  SegmentPeak,
  Segment,
  ClipBaseline,
  ManifestClip,
  Manifest,
  RecordedTrace,
  ScriptSpec,
  SegmentRef,
} from '@liveproof/test-media';
export { signalsOf, faceFramesIn, baselineOf, riseOf, targetOf, findEpisodes, peakIn, mirrorFrame } from '@liveproof/test-media';
export type { Signals, Episode } from '@liveproof/test-media';
export { PAGE_DIR } from './page-scripts.ts';
export { launchBrowser, CHROMIUM_PATH } from './browser.ts';
export type { BrowserOptions, LaunchedBrowser } from './browser.ts';
export { recordTransfer } from './transfer.ts';
export type { Transfer, TransferredRequest, TransferRecorder } from './transfer.ts';
export { startServer, updateDevIntegration, SERVER_ENTRY } from './server-process.ts';
export type { RunningServer, ServerProcessOptions } from './server-process.ts';
export { toY4m } from './y4m.ts';
export type { Y4mOptions } from './y4m.ts';
export { actorCopy, playablePath, transcodeToVp9, videoCodec, TRANSCODE_DIR } from './transcode.ts';
export { installActor, actorLog } from './actor.ts';
export type { ActorScript, ActorSegment, ActorLogEntry } from './actor.ts';
export { COOPERATIVE_ACTOR, ONE_PERSON_ACTOR, resolveScript, resolveSegment } from './actor-script.ts';
export { runOffline, offlineScript, recordedFrames, reflected } from './offline-actor.ts';
export { forgeSynthetic, forgeSpliced, FORGERY_LEVELS } from './forgery.ts';
export type { ForgeryLevel, ForgeryPlan } from './forgery.ts';
export { installPresenter } from './presenter.ts';
export type { PresenterOptions } from './presenter.ts';
export { PRESENTATION_TYPES, VIRTUAL_CAMERA_LABELS, buildPresentations, cutFrame, isBonaFide, isHighAssurance, photoSources, seeded } from './presentations.ts';
export type { AttackType, Camera, PlanOptions, Presentation, PresentationType } from './presentations.ts';
export type { OfflineScript, OfflineRun, TraceSegment } from './offline-actor.ts';
export {
  SCREENSHOT_DIR,
  createSession,
  getSession,
  recordEvents,
  events,
  cspViolations,
  openCheck,
  waitForState,
  waitForOutcome,
  waitForPass,
  screenshot,
} from './check-page.ts';
export type { CheckEvent } from './check-page.ts';
export { runEvaluation } from './evaluation.ts';
export type { EvaluationOptions } from './evaluation.ts';
export { summarise as summariseOutcomes, toMarkdown, distribution, isDecided, worstByType } from './eval-report.ts';
export type { EvaluationReport, PresentationOutcome, RateRow, Distribution } from './eval-report.ts';
export { replayOdds } from './replay-odds.ts';
export type { ReplayOdds, ReplayOddsOptions } from './replay-odds.ts';
export { readServerSentEvents } from './sse.ts';
export type { SseMessage, SseReader } from './sse.ts';
export { attemptKey, signCompact, stillTrace, resultPayload } from './api-client.ts';
export type { AttemptKey } from './api-client.ts';
export { createLab, LAB_ADDRESSES } from './lab/network-lab.ts';
export type { LabProxy, NetworkLab } from './lab/network-lab.ts';
export { LAB_CASES, NETWORK_SIGNALS, describeRun, runLabCheck, writeLabLists } from './lab/lab-cases.ts';
export type { LabCase, LabRun } from './lab/lab-cases.ts';
export { cooperativeCheck, installCooperativeActor } from './cooperative-check.ts';
export type { CooperativeCheck, CooperativeCheckOptions } from './cooperative-check.ts';
export { decodeFrames, type DecodedFrame } from './footage.ts';
export { OTHER_PERSON_CLIP, cropsFor, otherPersonSwap, type CropOptions, type FrameSource } from './crops.ts';
export { installAxe, axeViolations, describeViolations } from './axe.ts';
export type { AxeViolation } from './axe.ts';
