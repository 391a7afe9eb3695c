/**
 * VP9 copies of footage Chromium cannot decode (maxine-webcam-turns is MPEG-4 Part 2), made with
 * ffmpeg at test time and cached in the temp directory; never committed.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Where a copy is written before it is renamed into place: unique to this process and call, so
 * that test files transcoding the same clip at once never write into one file (the rename is atomic
 * and the last one wins with a whole copy).
 */
const partialPath = (out: string, ext: string) => `${out}.${process.pid}-${randomUUID()}.part.${ext}`;

export const TRANSCODE_DIR = join(tmpdir(), 'liveproof-transcodes');

/** Codecs Debian's Chromium plays in <video>. */
const PLAYABLE = new Set(['h264', 'vp8', 'vp9', 'av1']);

export async function frameRate(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate', '-of', 'csv=p=0', path]);
  const [num, den] = stdout.trim().split('/').map(Number);
  return den ? num! / den : num!;
}

export async function videoCodec(path: string): Promise<string> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path]);
  return stdout.trim();
}

/**
 * A VP9 copy of `path` with every frame kept; with `fps`, frames are re-timed onto an exact 1/fps
 * grid. Returns the copy's file name inside TRANSCODE_DIR.
 */
export async function transcodeToVp9(path: string, options: { prefix?: string; fps?: number } = {}): Promise<string> {
  const info = await stat(path);
  const name = `${options.prefix ? `${options.prefix}-` : ''}${basename(path, extname(path))}-${info.size}-${Math.round(info.mtimeMs)}.webm`;
  const out = join(TRANSCODE_DIR, name);
  if (existsSync(out)) return name;
  await mkdir(TRANSCODE_DIR, { recursive: true });
  const partial = partialPath(out, 'webm');
  const retime = options.fps ? ['-vf', `setpts=N/(${options.fps}*TB)`, '-fps_mode', 'passthrough'] : [];
  await run(
    'ffmpeg',
    ['-v', 'error', '-y', '-i', path, '-an', ...retime, '-c:v', 'libvpx-vp9', '-crf', '12', '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '2', partial],
    { maxBuffer: 1 << 24 },
  );
  await rename(partial, out);
  return name;
}

/**
 * A light copy for live playback by the actor: at most 480 pixels high, H.264 with a keyframe every
 * 10 frames, so that the page can seek to a segment at once and decode it in real time beside
 * MediaPipe on a small machine.
 */
export async function actorCopy(path: string): Promise<string> {
  const info = await stat(path);
  // Frame i lands at exactly i/fps, as in the recorded traces, whatever the source's own timestamps.
  const fps = await frameRate(path);
  const out = join(TRANSCODE_DIR, `actor-${basename(path, extname(path))}-${info.size}-${Math.round(info.mtimeMs)}.mp4`);
  if (existsSync(out)) return out;
  await mkdir(TRANSCODE_DIR, { recursive: true });
  const partial = partialPath(out, 'mp4');
  await run(
    'ffmpeg',
    ['-v', 'error', '-y', '-i', path, '-an', '-vf', `setpts=N/(${fps}*TB),scale=-2:'min(480,ih)'`, '-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-g', '10', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', partial],
    { maxBuffer: 1 << 24 },
  );
  await rename(partial, out);
  return out;
}

/** `path` itself when Chromium can play it, else the path of a cached VP9 copy. */
export async function playablePath(path: string): Promise<string> {
  if (PLAYABLE.has(await videoCodec(path))) return path;
  return join(TRANSCODE_DIR, await transcodeToVp9(path));
}
