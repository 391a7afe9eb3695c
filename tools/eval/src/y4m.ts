/**
 * Footage for Chromium's fake camera: clips and stills converted with ffmpeg to 640x480 Y4M (the
 * format `--use-file-for-fake-video-capture` plays in a loop), cached in the temp directory.
 * Generated at test time; never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';

const CACHE = join(tmpdir(), 'liveproof-y4m');

export interface Y4mOptions {
  /** Seconds of a still image to produce (a still becomes a clip of one repeated frame). */
  stillSeconds?: number;
  /** Extra ffmpeg video filters applied before scaling (e.g. 'hflip', 'eq=brightness=-0.3'). */
  filter?: string;
  fps?: number;
  /** Cut the clip: start and duration in seconds. */
  start?: number;
  duration?: number;
}

/** Converts `source` to a cached 640x480 Y4M file and returns its path. */
export function toY4m(source: string, options: Y4mOptions = {}): string {
  mkdirSync(CACHE, { recursive: true });
  const fps = options.fps ?? 30;
  const key = [basename(source, extname(source)), options.stillSeconds, options.filter, fps, options.start, options.duration]
    .map((part) => String(part ?? '').replace(/[^a-zA-Z0-9.=-]/g, '_'))
    .join('-');
  const target = join(CACHE, `${key}.y4m`);
  if (existsSync(target)) return target;
  const isStill = /\.(jpe?g|png|webp)$/i.test(source);
  const filters = [options.filter, 'scale=640:480:force_original_aspect_ratio=decrease', 'pad=640:480:(ow-iw)/2:(oh-ih)/2', `fps=${fps}`, 'format=yuv420p']
    .filter(Boolean)
    .join(',');
  const input = isStill ? ['-loop', '1', '-t', String(options.stillSeconds ?? 4), '-i', source] : [...(options.start ? ['-ss', String(options.start)] : []), '-i', source];
  const duration = options.duration ? ['-t', String(options.duration)] : [];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, ...duration, '-vf', filters, '-an', '-f', 'yuv4mpegpipe', `${target}.tmp`]);
  renameSync(`${target}.tmp`, target);
  return target;
}
