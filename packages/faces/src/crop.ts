/**
 * Cuts a face crop from a decoded RGB frame the way the element cuts it from the camera
 * (`cropSquare`, `FRAME_SIDE`, JPEG), for tools that make crops from footage: the calibration
 * bench and the evaluation's forgers. Bilinear resampling, like a canvas's default.
 */
import jpeg from 'jpeg-js';
import { cropSquare, FRAME_QUALITY, FRAME_SIDE, type FaceBox } from '@liveproof/protocol';

export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB, 3 bytes a pixel, row by row. */
  data: Uint8Array;
}

/** The square crop around `box`, resized to `side` pixels; `tint` multiplies each channel (a forger's flash). */
export function cropRgb(image: RgbImage, box: FaceBox, side = FRAME_SIDE, tint?: [number, number, number]): RgbImage {
  const square = cropSquare(box, image.width, image.height);
  const out = new Uint8Array(side * side * 3);
  const scale = square.side / side;
  for (let y = 0; y < side; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, square.y + (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < side; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, square.x + (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (px: number, py: number) => image.data[(py * image.width + px) * 3 + c]!;
        const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
        const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
        const value = (top * (1 - fy) + bottom * fy) * (tint?.[c] ?? 1);
        out[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return { width: side, height: side, data: out };
}

/** JPEG bytes of an RGB image, at the element's quality. */
export function encodeJpeg(image: RgbImage, quality = FRAME_QUALITY): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba[j] = image.data[i]!;
    rgba[j + 1] = image.data[i + 1]!;
    rgba[j + 2] = image.data[i + 2]!;
    rgba[j + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width: image.width, height: image.height }, Math.round(quality * 100)).data);
}
