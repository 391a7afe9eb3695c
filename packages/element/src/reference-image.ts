/**
 * The reference image, taken only when the plan asks for it (the integration opted in) and the
 * check passed on the page: one 160 x 160 JPEG of the face from the last video frame, about
 * 5 KB, sent inside the signed result. No other image or video ever leaves the browser.
 */
import type { TraceFrame } from '@liveproof/protocol';

const SIZE = 160;

export async function captureReferenceImage(video: HTMLVideoElement, frames: readonly TraceFrame[]): Promise<{ type: 'image/jpeg'; data: string } | undefined> {
  const box = [...frames].reverse().find((f) => f.n === 1 && f.box)?.box;
  if (!box || !video.videoWidth) return undefined;
  const [x, y, w, h] = box;
  // The face box, widened to take in the whole head, as a square in video pixels.
  const side = Math.min(video.videoWidth, video.videoHeight, Math.max(w * video.videoWidth, h * video.videoHeight) * 1.6);
  const cx = (x + w / 2) * video.videoWidth;
  const cy = (y + h / 2) * video.videoHeight;
  const sx = Math.max(0, Math.min(video.videoWidth - side, cx - side / 2));
  const sy = Math.max(0, Math.min(video.videoHeight - side, cy - side / 2));
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  canvas.getContext('2d')!.drawImage(video, sx, sy, side, side, 0, 0, SIZE, SIZE);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  if (!blob) return undefined;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { type: 'image/jpeg', data: btoa(binary) };
}
