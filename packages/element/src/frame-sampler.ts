/**
 * High assurance on the page: a small JPEG crop of the face from every processed camera frame, kept
 * in memory on this device, and after the challenges the handful the server asks for. Nothing is
 * kept unless the plan can ask for crops, and nothing leaves the page but the crops asked for.
 *
 * A crop is cut from the video while the frame callback runs, so it shows the very frame the face
 * model measured; the JPEG is encoded off the main thread (`toBlob`). About 6 KB a crop: a minute of
 * positioning is never kept (only what the baseline can use), a check's challenges hold a few MB.
 */
import { FRAME_QUALITY, FRAME_SIDE, cropSquare, frameForMoment, type FrameMoment, type ResultFrame, type Trace, type TraceFrame } from '@liveproof/protocol';

export class FrameSampler {
  readonly #crops = new Map<number, Promise<Blob | null>>();
  /** Main-thread milliseconds per crop (the canvas draw and handing the pixels to the encoder), the last 2,000. */
  readonly captureMs: number[] = [];
  #canvas: HTMLCanvasElement | undefined;
  #keepFrom = -Infinity;

  /** Crops the frame showing now (its trace frame `frame`, on the page clock) when it has one face. */
  capture(video: HTMLVideoElement, frame: TraceFrame): void {
    if (frame.n !== 1 || !frame.box || !video.videoWidth) return;
    const started = performance.now();
    const canvas = (this.#canvas ??= Object.assign(document.createElement('canvas'), { width: FRAME_SIDE, height: FRAME_SIDE }));
    const { x, y, side } = cropSquare(frame.box, video.videoWidth, video.videoHeight);
    canvas.getContext('2d')!.drawImage(video, x, y, side, side, 0, 0, FRAME_SIDE, FRAME_SIDE);
    this.#crops.set(frame.t, new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', FRAME_QUALITY)));
    // Oldest first (insertion order is time order): stop at the first crop still wanted.
    for (const t of this.#crops.keys()) {
      if (t >= this.#keepFrom) break;
      this.#crops.delete(t);
    }
    this.captureMs.push(performance.now() - started);
    if (this.captureMs.length > 2000) this.captureMs.shift();
  }

  /** During positioning: crops older than `t` (page clock) can no longer be asked for. */
  forgetBefore(t: number): void {
    this.#keepFrom = t;
  }

  /** Keeps everything from now on (the challenges have begun). */
  keepAll(): void {
    this.#keepFrom = -Infinity;
  }

  clear(): void {
    this.#crops.clear();
  }

  /**
   * The crops for the server's moments: for each, the trace's face frame nearest it
   * (`frameForMoment`) and the crop of that frame. `origin` is the page-clock time of the trace's zero.
   */
  async answer(moments: readonly FrameMoment[], trace: Trace, origin: number): Promise<ResultFrame[]> {
    const byTraceTime = new Map<number, Promise<Blob | null>>();
    for (const [t, crop] of this.#crops) byTraceTime.set(Math.round((t - origin) * 10) / 10, crop);
    const frames: ResultFrame[] = [];
    for (const moment of moments) {
      const frame = frameForMoment(trace.frames, moment.t);
      const blob = frame ? await byTraceTime.get(frame.t) : null;
      if (frame && blob) frames.push({ t: frame.t, data: await toBase64(blob) });
    }
    return frames;
  }
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
