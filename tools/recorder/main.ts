/**
 * The recorder page: runs the element's own engine (`createFaceEngine`, `FrameMeter`) over every
 * frame of a clip, stepping through it by seeking so that the result depends on the clip alone,
 * not on playback speed or machine load. Driven by `scripts/record-traces.ts`.
 */
import type { TraceFrame } from '@liveproof/protocol';
import { createFaceEngine, type FaceEngine } from '../../packages/element/src/engine.ts';
import { FrameMeter, analyseFrame } from '../../packages/element/src/frame-meter.ts';
import type { ImageJob, PlayableResult, RecorderApi, RecordingResult, VideoJob } from './api.ts';

const ASSETS_BASE = '/assets/mediapipe';
/** How long to wait for the seeked frame to be presented before drawing whatever is current. */
const FRAME_WAIT_MS = 1000;
/** Where within a frame's interval to seek, in order of preference. */
const SEEK_POINTS = [0.5, 0.2, 0.05, 0.8];

const video = document.querySelector<HTMLVideoElement>('#video')!;
const canvas = document.querySelector<HTMLCanvasElement>('#canvas')!;
const context = canvas.getContext('2d', { willReadFrequently: true })!;

function once(target: EventTarget, ok: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${ok}`)), timeoutMs);
    const onOk = () => finish();
    const onError = () => finish(new Error(`media error: ${video.error?.message ?? 'unknown'} (code ${video.error?.code ?? '?'})`));
    function finish(error?: Error) {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    }
    target.addEventListener(ok, onOk);
    target.addEventListener('error', onError);
  });
}

async function load(url: string): Promise<void> {
  video.removeAttribute('src');
  video.load();
  const loaded = once(video, 'loadeddata');
  video.src = url;
  video.load();
  await loaded;
}

/** The media time of the next frame presented, or undefined if none is within `timeoutMs`. */
function nextPresented(timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    video.requestVideoFrameCallback((_now, metadata) => {
      clearTimeout(timer);
      resolve(metadata.mediaTime);
    });
  });
}

/**
 * Seek to `time` and resolve with the media time of the frame presented, if known. The frame
 * callback may report a frame composited just before the seek landed, so a mismatch is given one
 * more frame to settle.
 */
async function seek(time: number, expected?: (mediaTime: number) => boolean): Promise<number | undefined> {
  const frameShown = nextPresented(FRAME_WAIT_MS);
  const seeked = once(video, 'seeked');
  video.currentTime = time;
  await seeked;
  let presented = await frameShown;
  if (presented !== undefined && expected && !expected(presented)) presented = (await nextPresented(FRAME_WAIT_MS / 4)) ?? presented;
  return presented;
}

function sizeCanvas(sourceWidth: number, sourceHeight: number, width: number): void {
  canvas.width = width;
  canvas.height = Math.round((width * sourceHeight) / sourceWidth);
}

async function withEngine(run: (engine: FaceEngine, meter: FrameMeter) => Promise<RecordingResult>): Promise<RecordingResult> {
  // A fresh engine per clip: VIDEO mode tracks faces across frames, so a clip's trace must not
  // depend on which clip came before it.
  const engine = await createFaceEngine({ assetsBase: ASSETS_BASE, maxFaces: 2 });
  try {
    return await run(engine, new FrameMeter());
  } finally {
    engine.close();
  }
}

function analyse(engine: FaceEngine, meter: FrameMeter, i: number, fps: number, timing: { total: number }): TraceFrame {
  const t = (i * 1000) / fps;
  const started = performance.now();
  const frame = analyseFrame(engine, meter, canvas, t, t);
  timing.total += performance.now() - started;
  return frame;
}

const api: RecorderApi = {
  ready: (async () => {
    // Load the model once up front so that a broken asset fails fast, before any clip.
    const engine = await createFaceEngine({ assetsBase: ASSETS_BASE });
    engine.close();
  })(),

  async canPlay(url: string): Promise<PlayableResult> {
    try {
      await load(url);
      await seek(0);
      if (video.videoWidth === 0) return { playable: false, error: 'no video track decoded' };
      return { playable: true, width: video.videoWidth, height: video.videoHeight, duration: video.duration };
    } catch (error) {
      return { playable: false, error: String(error) };
    }
  },

  recordVideo({ url, fps, frameCount, startOffset, analysisWidth }: VideoJob): Promise<RecordingResult> {
    return withEngine(async (engine, meter) => {
      await load(url);
      const { videoWidth: width, videoHeight: height } = video;
      sizeCanvas(width, height, analysisWidth);
      const frames: TraceFrame[] = [];
      const misplacedFrames: number[] = [];
      const timing = { total: 0 };
      for (let i = 0; i < frameCount; i++) {
        const isFrame = (mediaTime: number) => Math.round((mediaTime - startOffset) * fps) === i;
        // Mid-frame first; Chromium sometimes lands on the next keyframe instead of the frame just
        // before it, and another point within the frame's interval then finds the right one.
        let presented: number | undefined;
        for (const within of SEEK_POINTS) {
          presented = await seek(Math.min(startOffset + (i + within) / fps, video.duration - 0.001), isFrame);
          if (presented === undefined || isFrame(presented)) break;
        }
        if (presented !== undefined && !isFrame(presented)) misplacedFrames.push(i);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        frames.push(analyse(engine, meter, i, fps, timing));
      }
      return { frames, startOffset, width, height, analysedWidth: canvas.width, analysedHeight: canvas.height, detectMs: timing.total / frameCount, misplacedFrames };
    });
  },

  recordImage({ url, fps, frameCount, analysisWidth }: ImageJob): Promise<RecordingResult> {
    return withEngine(async (engine, meter) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      const { naturalWidth: width, naturalHeight: height } = image;
      sizeCanvas(width, height, analysisWidth);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      const frames: TraceFrame[] = [];
      const timing = { total: 0 };
      for (let i = 0; i < frameCount; i++) frames.push(analyse(engine, meter, i, fps, timing));
      return { frames, startOffset: 0, width, height, analysedWidth: canvas.width, analysedHeight: canvas.height, detectMs: timing.total / frameCount, misplacedFrames: [] };
    });
  },
};

window.liveproofRecorder = api;
