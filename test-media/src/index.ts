/**
 * @liveproof/test-media: the shared test footage as data: its labels (`manifest.json`), the traces
 * recorded from it (`traces/`), where the footage itself lives, and the measurements read from
 * traces. Node only. The harness that plays it (actors, forgeries, the evaluation, the lab) is
 * `@liveproof/eval` in `tools/eval`.
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
  ScriptSpec,
  SegmentRef,
} from './manifest.ts';
export { signalsOf, faceFramesIn, baselineOf, riseOf, targetOf, findEpisodes, peakIn, mirrorFrame } from './analysis.ts';
export type { Signals, Episode } from './analysis.ts';
