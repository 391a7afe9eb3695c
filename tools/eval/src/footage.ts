/**
 * Decoded footage, frame by frame: ffmpeg writes raw RGB at the size the trace was analysed at, and
 * frame i lines up with the recorded trace's frame i (`t = i * 1000 / fps`). For tools that need
 * pixels (face-crop calibration, forgers that send frames), never for the committed repository.
 */
import { spawn } from 'node:child_process';

export interface DecodedFrame {
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export async function* decodeFrames(path: string, width: number, height: number): AsyncGenerator<DecodedFrame> {
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-i', path, '-vsync', 'passthrough', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // What ffmpeg says goes to our stderr only if it failed on its own, not when the reader stopped early.
  let said = '';
  ffmpeg.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()).length > 4000 && (said = said.slice(-4000)));
  let stopped = false;
  ffmpeg.on('close', (code) => {
    if (code && !stopped) process.stderr.write(`ffmpeg ${path}: exit ${code}\n${said}`);
  });
  const size = width * height * 3;
  let buffer: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      while (buffer.length >= size) {
        yield { index: index++, width, height, data: new Uint8Array(buffer.subarray(0, size)) };
        buffer = buffer.subarray(size);
      }
    }
  } finally {
    stopped = true;
    ffmpeg.kill();
  }
}
