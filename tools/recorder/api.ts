/**
 * What the recorder page exposes to the Node script driving it (`window.liveproofRecorder`).
 * Types only, shared by both sides.
 */
import type { TraceFrame } from '@liveproof/protocol';

export interface VideoJob {
  /** URL of the clip on the recorder server. */
  url: string;
  /** Frame rate and frame count as ffprobe reports them. */
  fps: number;
  frameCount: number;
  /** Media time of the first video frame, in seconds (frame i is shown at startOffset + i / fps). */
  startOffset: number;
  /** Width of the canvas the frames are analysed at (height keeps the aspect ratio). */
  analysisWidth: number;
}

export interface ImageJob {
  url: string;
  fps: number;
  frameCount: number;
  analysisWidth: number;
}

export interface PlayableResult {
  playable: boolean;
  error?: string;
  width?: number;
  height?: number;
  duration?: number;
}

export interface RecordingResult {
  frames: TraceFrame[];
  /** Media time of the first frame, seconds. */
  startOffset: number;
  /** Size of the source and of the canvas handed to the engine. */
  width: number;
  height: number;
  analysedWidth: number;
  analysedHeight: number;
  /** Mean wall time of `engine.detect()` per frame. */
  detectMs: number;
  /** Frames whose presented media time (requestVideoFrameCallback) was not the frame asked for. */
  misplacedFrames: number[];
}

export interface RecorderApi {
  ready: Promise<void>;
  canPlay(url: string): Promise<PlayableResult>;
  recordVideo(job: VideoJob): Promise<RecordingResult>;
  recordImage(job: ImageJob): Promise<RecordingResult>;
}

declare global {
  interface Window {
    liveproofRecorder: RecorderApi;
  }
}
