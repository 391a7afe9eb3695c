/**
 * The server's checks of high-assurance crops, with the real face model on crops cut from the
 * shared footage (maxine-webcam-turns: one man turning his head) and its recorded trace: the crops of
 * the very frames the trace names pass; crops of another person, crops from other moments, untinted
 * flash crops and a changed trace each fail with their own reason.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropRgb, encodeJpeg, type RgbImage } from '@liveproof/faces';
import { drawFrameMoments, type FrameCommitment, type ResultFrame, type Trace, type TraceFrame } from '@liveproof/protocol';
import { SHARED_MEDIA_DIR, decodeFrames, loadManifest, loadTrace } from '@liveproof/eval';
import { checkFrames, inlineFaceMeasurer, traceDigest, type FrameCheckInput } from './faces.ts';
import type { FrameRequestRecord } from '../store.ts';

const measurer = inlineFaceMeasurer();
const MAXINE = 'live/maxine-webcam-turns.mp4';
const OTHER = 'live/liveportrait-d12.mp4';

/** Decoded frames of a clip at its trace's analysed size, by index. */
async function clipFrames(file: string): Promise<{ frames: TraceFrame[]; images: RgbImage[] }> {
  const name = file.replace(/^live\//, '').replace(/\.mp4$/, '');
  const trace = await loadTrace('live', name);
  const images: RgbImage[] = [];
  for await (const frame of decodeFrames(join(SHARED_MEDIA_DIR, file), trace.analysedWidth, trace.analysedHeight)) images.push(frame);
  return { frames: trace.frames, images };
}

let maxine: Awaited<ReturnType<typeof clipFrames>>;
let other: Awaited<ReturnType<typeof clipFrames>>;
let trace: Trace;
/** For each trace frame (by time), the clip frame it shows. */
const sourceOf = new Map<number, number>();
let request: FrameRequestRecord;

/** A deterministic stand-in for the server's CSPRNG. */
function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The flashed red on a face 50 cm from the screen, as a multiplier of each channel (a guess, as the actor's). */
const RED: [number, number, number] = [1.08, 0.97, 0.97];

function input(frames: ResultFrame[] | undefined, policy: FrameCheckInput['policy'] = 'required', of: Trace = trace): FrameCheckInput {
  return { policy, request, trace: of, frames };
}

beforeAll(async () => {
  await loadManifest();
  [maxine, other] = await Promise.all([clipFrames(MAXINE), clipFrames(OTHER)]);
  // The clip's own trace with a turn to his left that ends at its peak; then, as a candidate holds
  // still for the screen light, the last frame held for 2.5 s, with two red flashes.
  const frames: TraceFrame[] = [];
  maxine.frames.forEach((f, index) => {
    if (f.n !== 1 || !f.box || !f.pose) return;
    frames.push(f);
    sourceOf.set(f.t, index);
  });
  const lastIndex = sourceOf.get(frames.at(-1)!.t)!;
  const end = frames.at(-1)!.t;
  for (let k = 1; k <= 75; k++) {
    const t = Math.round((end + k * 33.3) * 10) / 10;
    frames.push({ ...maxine.frames[lastIndex]!, t });
    sourceOf.set(t, lastIndex);
  }
  const at = (ms: number) => frames.reduce((best, f) => (Math.abs(f.t - ms) < Math.abs(best.t - ms) ? f : best)).t;
  trace = {
    v: 1,
    frames,
    steps: [
      { challenge: 'turn_left', promptedAt: at(2370), endedAt: at(2900) },
      { challenge: 'light', promptedAt: at(end + 100), endedAt: at(end + 2400), flashes: [{ colour: 'red', at: at(end + 900) }, { colour: 'red', at: at(end + 1400) }] },
    ],
  };
  const commitment: FrameCommitment = { traceDigest: traceDigest(trace), steps: trace.steps, span: [frames[0]!.t, frames.at(-1)!.t], frameCount: frames.length };
  request = { commitment, moments: drawFrameMoments(commitment, seeded(7)), at: 0 };
}, 60_000);

/** The crop a page would send for trace time `t`: of the clip frame it shows (from `clip`), optionally tinted. */
function cropAt(clip: typeof maxine, t: number, tint?: [number, number, number]): ResultFrame {
  const index = Math.min(sourceOf.get(t)!, clip.images.length - 1);
  const box = clip.frames[index]?.box ?? maxine.frames[sourceOf.get(t)!]!.box!;
  return { t, data: b64(encodeJpeg(cropRgb(clip.images[index]!, box, undefined, tint))) };
}

/** The element's answer: the trace frame nearest each moment, and its crop (tinted during the flashes). */
function answer(clip = maxine, options: { tintFlashes?: boolean; shiftMs?: number } = {}): ResultFrame[] {
  const nearest = (t: number) => trace.frames.reduce((best, f) => (Math.abs(f.t - t) < Math.abs(best.t - t) ? f : best));
  return request.moments.map((m) => {
    const frame = nearest(m.t);
    const source = options.shiftMs ? nearest(m.t + options.shiftMs) : frame;
    const crop = cropAt(clip, source.t, m.kind === 'flash' && options.tintFlashes !== false ? RED : undefined);
    return { ...crop, t: frame.t };
  });
}

describe('high-assurance crops, checked by the server', () => {
  it('passes the crops of the very frames the trace names: a face in each, the pose, one person, the flashes', async () => {
    const result = await checkFrames(measurer, input(answer()));
    expect(result.reasons, JSON.stringify(result.details)).toEqual([]);
    expect(result.summary).toEqual({ policy: 'required', frames: request.moments.length, checks: ['present', 'pose', 'expression', 'light', 'one_person'], failed: [] });
    expect(request.moments.map((m) => m.kind)).toEqual(expect.arrayContaining(['baseline', 'action', 'lead_in', 'flash', 'random']));
    // The turn's crop shows the turn the trace recorded, measured by the server's own model.
    const turn = result.details.find((d) => d.kind === 'action')!;
    expect(Math.abs(turn.pose![0])).toBeGreaterThan(10);
  }, 60_000);

  it('fails crops of another person at the same moments', async () => {
    const result = await checkFrames(measurer, input(answer(other)));
    expect(result.reasons).toEqual(expect.arrayContaining(['frames_disagree']));
    expect(result.summary.failed).toContain('pose');
  }, 60_000);

  it('fails crops of the same person from other moments (a second later)', async () => {
    const result = await checkFrames(measurer, input(answer(maxine, { shiftMs: 1000 })));
    expect(result.reasons).toContain('frames_disagree');
  }, 60_000);

  it('fails flash crops that did not take on the flashed colour', async () => {
    const result = await checkFrames(measurer, input(answer(maxine, { tintFlashes: false })));
    expect(result.reasons, JSON.stringify(result.details.map((d) => d.lightShift))).toEqual(['frames_light']);
  }, 60_000);

  it('refuses crops for a trace other than the one committed to, and crops that answer no moment', async () => {
    const changed: Trace = { ...trace, frames: trace.frames.map((f, i) => (i === 3 ? { ...f, luma: f.luma + 1 } : f)) };
    expect((await checkFrames(measurer, input(answer(), 'required', changed))).reasons).toEqual(['frames_mismatch']);
    const late = answer().map((f, i) => (i === 0 ? { ...f, t: trace.frames.at(-1)!.t } : f));
    const result = await checkFrames(measurer, input(late));
    expect(result).toMatchObject({ reasons: ['frames_mismatch'], mismatch: expect.stringMatching(/not of the face frame nearest its moment/) });
    expect((await checkFrames(measurer, input(answer().slice(1)))).reasons).toEqual(['frames_mismatch']);
  }, 60_000);

  it('without crops: required fails (frames_required), on flags (no_frames)', async () => {
    expect(await checkFrames(measurer, input(undefined, 'required'))).toMatchObject({ reasons: ['frames_required'], signals: [] });
    expect(await checkFrames(measurer, input([], 'on'))).toMatchObject({ reasons: [], signals: ['no_frames'] });
  });
});
