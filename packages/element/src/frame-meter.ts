/**
 * Light and colour of a video frame, measured on a small downscaled copy so that it costs well
 * under a millisecond per frame: the mean luminance of the whole frame (is the room lit enough?)
 * and the mean colour of the face (does it reflect the screen's light?). Only these numbers leave
 * this module; no pixels are kept beyond the current frame.
 */
import { round, type FaceBox, type TraceFrame } from '@liveproof/protocol';
import type { FaceEngine } from './engine.ts';

const WIDTH = 64;
const HEIGHT = 48;
/** The face's colour is read inside this share of its box, away from hair and background. */
const INNER = 0.6;

export class FrameMeter {
  readonly #context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
  #pixels: Uint8ClampedArray | undefined;

  constructor() {
    const canvas: OffscreenCanvas | HTMLCanvasElement =
      typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(WIDTH, HEIGHT) : Object.assign(document.createElement('canvas'), { width: WIDTH, height: HEIGHT });
    const context = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!context) throw new Error('2D canvas unavailable');
    this.#context = context;
  }

  /** Takes the frame in; returns its Rec. 601 luma averaged over the frame, 0..255. */
  capture(source: CanvasImageSource): number {
    this.#context.drawImage(source, 0, 0, WIDTH, HEIGHT);
    const pixels = this.#context.getImageData(0, 0, WIDTH, HEIGHT).data;
    this.#pixels = pixels;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
    return sum / (WIDTH * HEIGHT);
  }

  /** Mean R, G, B inside the central part of `box` (normalised coordinates) of the last captured frame. */
  faceColour(box: FaceBox): [number, number, number] | undefined {
    const pixels = this.#pixels;
    if (!pixels) return undefined;
    const [x, y, w, h] = box;
    const margin = (1 - INNER) / 2;
    const x0 = Math.max(0, Math.floor((x + w * margin) * WIDTH));
    const x1 = Math.min(WIDTH, Math.ceil((x + w * (1 - margin)) * WIDTH));
    const y0 = Math.max(0, Math.floor((y + h * margin) * HEIGHT));
    const y1 = Math.min(HEIGHT, Math.ceil((y + h * (1 - margin)) * HEIGHT));
    let r = 0;
    let g = 0;
    let b = 0;
    let count = 0;
    for (let row = y0; row < y1; row++) {
      for (let col = x0; col < x1; col++) {
        const i = (row * WIDTH + col) * 4;
        r += pixels[i]!;
        g += pixels[i + 1]!;
        b += pixels[i + 2]!;
        count++;
      }
    }
    return count === 0 ? undefined : [r / count, g / count, b / count];
  }
}

/**
 * The whole per-frame measurement, shared by the element and the trace recorder: light, the face
 * engine, then the face's colour inside the box the engine found.
 */
export function analyseFrame(engine: FaceEngine, meter: FrameMeter, source: HTMLVideoElement | HTMLCanvasElement, timestampMs: number, t: number): TraceFrame {
  const luma = meter.capture(source);
  const frame = engine.detect(source, timestampMs, t, luma);
  if (frame.box) {
    const rgb = meter.faceColour(frame.box);
    if (rgb) frame.rgb = rgb.map((v) => round(v, 1)) as [number, number, number];
  }
  return frame;
}
