/**
 * @liveproof/test-media: labels and recorded traces of the shared test footage, and where that
 * footage lives. Node only.
 */
export { REPO_ROOT, TEST_MEDIA_DIR, SHARED_MEDIA_DIR, MANIFEST_PATH, TRACES_DIR } from './paths.ts';
export { MEDIA_FOLDERS, PRESENTATION_KINDS, SEGMENT_ACTIONS, loadManifest, loadTrace, tracePath } from './manifest.ts';
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
} from './manifest.ts';
export { signalsOf, faceFramesIn, baselineOf, riseOf, targetOf, findEpisodes, peakIn, mirrorFrame } from './analysis.ts';
export type { Signals, Episode } from './analysis.ts';
export { launchBrowser, CHROMIUM_PATH } from './browser.ts';
export type { BrowserOptions, LaunchedBrowser } from './browser.ts';
export { startServer, SERVER_ENTRY } from './server-process.ts';
export type { RunningServer } from './server-process.ts';
export { toY4m } from './y4m.ts';
export type { Y4mOptions } from './y4m.ts';
export { actorCopy, playablePath, transcodeToVp9, videoCodec, TRANSCODE_DIR } from './transcode.ts';
export { installActor, actorLog } from './actor.ts';
export type { ActorScript, ActorSegment, ActorLogEntry } from './actor.ts';
export { COOPERATIVE_ACTOR, resolveScript, resolveSegment } from './actor-script.ts';
export type { ScriptSpec, SegmentRef } from './actor-script.ts';
export { runOffline } from './offline-actor.ts';
export type { OfflineScript, OfflineRun, TraceSegment } from './offline-actor.ts';
export {
  SCREENSHOT_DIR,
  createSession,
  getSession,
  recordEvents,
  events,
  openCheck,
  waitForState,
  waitForOutcome,
  screenshot,
} from './check-page.ts';
export type { CheckEvent } from './check-page.ts';
