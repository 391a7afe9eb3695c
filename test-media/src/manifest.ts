/**
 * The labels of the test footage (`test-media/manifest.json`) and the traces recorded from it
 * (`test-media/traces/<folder>/<name>.json`). See the package README for the format.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ChallengeId, TraceFrame } from '@liveproof/protocol';
import { MANIFEST_PATH, TRACES_DIR } from './paths.ts';

/** The folders of the shared media directory. */
export const MEDIA_FOLDERS = ['live', 'multi', 'photos', 'synthetic'] as const;
export type MediaFolder = (typeof MEDIA_FOLDERS)[number];

/** What a clip presents to the camera. */
export const PRESENTATION_KINDS = ['bona_fide', 'multi_face', 'photo', 'synthetic'] as const;
export type PresentationKind = (typeof PRESENTATION_KINDS)[number];

export const SEGMENT_ACTIONS = ['blink', 'smile', 'open_mouth', 'turn_left', 'turn_right', 'look_up', 'profile_left', 'profile_right', 'neutral'] as const;
export type SegmentAction = (typeof SEGMENT_ACTIONS)[number];

/** How a segment was confirmed: by looking at extracted frames, or from the model's numbers alone. */
export type SegmentCheck = 'visual' | 'model';

/** Peak of a segment's signal relative to the clip's neutral baseline, as measured on the trace. */
export interface SegmentPeak {
  /** Seconds into the clip. */
  at: number;
  /** Degrees for turns and look-up, blendshape score (0..1) otherwise; signed so that the action is positive. */
  rise: number;
  /** The absolute value at the peak (degrees or score). */
  value: number;
}

export interface Segment {
  action: SegmentAction;
  /** Seconds from the start of the clip; [start, end] shows the action performed once. */
  start: number;
  end: number;
  checked: SegmentCheck;
  /** Only when the action is shown by mirroring the clip horizontally (turns). */
  mirrored?: boolean;
  peak?: SegmentPeak;
  note?: string;
}

/** The neutral pose and expression of the (main) person, medians over the neutral segments. */
export interface ClipBaseline {
  yaw: number;
  pitch: number;
  blink: number;
  smile: number;
  jaw: number;
}

export interface ManifestClip {
  /** Path under the shared media directory, e.g. `live/maxine-webcam-turns.mp4`. */
  file: string;
  kind: PresentationKind;
  /** Video: frames per second and frame count; stills have neither. */
  fps?: number;
  frames?: number;
  /** Seconds (video only). */
  duration?: number;
  width: number;
  height: number;
  /** Whether mirroring the footage horizontally yields usable footage (turn_left becomes turn_right). */
  mirrorable: boolean;
  /** The recorded trace, relative to the `test-media/` directory. */
  trace: string;
  baseline?: ClipBaseline;
  segments: Segment[];
  notes?: string;
}

export interface Manifest {
  version: 1;
  /** What the cooperative actor plays; this repository's own script when absent. */
  actor?: ScriptSpec;
  /** Where the footage comes from; see SOURCES.md in the shared media directory. */
  mediaDir: string;
  clips: ManifestClip[];
}

/** A trace recorded from one clip by `scripts/record-traces.ts`. */
export interface RecordedTrace {
  /** Path under the shared media directory. */
  clip: string;
  fps: number;
  frameCount: number;
  /**
   * Seconds from the start of the clip's timeline (what a player shows) to its first video frame;
   * absent when 0. Frame i is at `t = i * 1000 / fps` in the trace and at `startOffset + i / fps` in the clip.
   */
  startOffset?: number;
  /** Source size, and the size of the canvas the engine analysed (640 wide, same aspect). */
  width: number;
  height: number;
  analysedWidth: number;
  analysedHeight: number;
  recordedWith: {
    /** First 16 hex digits of the SHA-256 of face_landmarker.task. */
    model: string;
    tasksVision: string;
    browser: string;
    /** Whether the clip was transcoded (to VP9) before Chromium could decode it. */
    transcoded?: string;
    /** Stills: the same image is repeated for this many frames. */
    still?: boolean;
  };
  frames: TraceFrame[];
}

export async function loadManifest(path: string = MANIFEST_PATH): Promise<Manifest> {
  return JSON.parse(await readFile(path, 'utf8')) as Manifest;
}

/** The path of a clip's trace; `name` may carry the clip's extension. */
export function tracePath(folder: MediaFolder, name: string): string {
  return join(TRACES_DIR, folder, `${basename(name, extname(name))}.json`);
}

export async function loadTrace(folder: MediaFolder, name: string): Promise<RecordedTrace> {
  return JSON.parse(await readFile(tracePath(folder, name), 'utf8')) as RecordedTrace;
}

/** A labelled segment of a clip, by reference: what an actor plays for a challenge. */
export interface SegmentRef {
  /** Path under the shared media directory. */
  file: string;
  action: SegmentAction;
  /** Which of the clip's segments for that action (0-based), and whether the segment is the mirrored one. */
  index?: number;
  mirrored?: boolean;
}

export interface ScriptSpec {
  neutral: SegmentRef;
  actions: Partial<Record<ChallengeId, SegmentRef>>;
}
