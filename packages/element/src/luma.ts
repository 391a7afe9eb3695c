/**
 * Mean luminance of a video frame, measured on a tiny downscaled copy so that it costs well under
 * a millisecond per frame. Only this number leaves the function; no pixels are kept.
 */
const WIDTH = 32;
const HEIGHT = 24;

export class LumaMeter {
  readonly #canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly #context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

  constructor() {
    const canvas: OffscreenCanvas | HTMLCanvasElement =
      typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(WIDTH, HEIGHT) : Object.assign(document.createElement('canvas'), { width: WIDTH, height: HEIGHT });
    const context = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!context) throw new Error('2D canvas unavailable');
    this.#canvas = canvas;
    this.#context = context;
  }

  /** Rec. 601 luma averaged over the frame, 0..255. */
  measure(source: CanvasImageSource): number {
    this.#context.drawImage(source, 0, 0, WIDTH, HEIGHT);
    const { data } = this.#context.getImageData(0, 0, WIDTH, HEIGHT);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
    return sum / (WIDTH * HEIGHT);
  }

  get canvas(): OffscreenCanvas | HTMLCanvasElement {
    return this.#canvas;
  }
}
