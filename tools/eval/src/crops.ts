/**
 * High-assurance crops for traces the offline actor made: for each moment the server drew, the
 * crop a page would send, cut from the very clip frame the trace frame was recorded from (mirrored
 * when the actor mirrored it, with the screen's colour reflected on the face during a flash, as the
 * browser actor draws it). The forgers of the evaluation change one thing each: crops of another
 * person, crops tinted on cue, no crops at all.
 */
import { join } from 'node:path';
import { cropRgb, encodeJpeg, type RgbImage } from '@liveproof/faces';
import { LIGHT_RGB, frameForMoment, type FrameMoment, type LightColour, type ResultFrame, type Trace, type TraceFrame } from '@liveproof/protocol';
import { REFLECTION } from './actor.ts';
import { decodeFrames } from './footage.ts';
import { SHARED_MEDIA_DIR, loadTrace, type MediaFolder } from '@liveproof/test-media';

/** Which clip frame a trace frame shows. */
export interface FrameSource {
  /** Path under the shared media directory. */
  file: string;
  /** Index of the frame in the clip (and in its recorded trace). */
  index: number;
  mirror: boolean;
  /** The colour on screen when the frame was taken (the screen-light step). */
  colour?: LightColour;
}

export interface CropOptions {
  /** Reflect the flashed colour on the face (a live face near its screen does; default true). */
  reflect?: boolean;
  /** Another source for each frame (a forger's crops of another person, say). */
  swap?: (source: FrameSource, frame: TraceFrame) => FrameSource;
  /** Multiply every pixel of a flash crop toward its colour (a forger tinting on cue). */
  tint?: number;
}

const clips = new Map<string, Promise<{ width: number; height: number; frames: readonly TraceFrame[] }>>();

function clipTrace(file: string) {
  let trace = clips.get(file);
  if (!trace) {
    const [folder, name] = file.replace(/\.[a-z0-9]+$/i, '').split('/') as [MediaFolder, string];
    trace = loadTrace(folder, name).then((t) => ({ width: t.analysedWidth, height: t.analysedHeight, frames: t.frames }));
    clips.set(file, trace);
  }
  return trace;
}

/** The decoded frames of `file` at `indices`, at its recorded trace's analysed size. */
async function decodeSome(file: string, indices: ReadonlySet<number>): Promise<Map<number, RgbImage>> {
  const { width, height } = await clipTrace(file);
  const wanted = new Map<number, RgbImage>();
  const last = Math.max(...indices);
  for await (const frame of decodeFrames(join(SHARED_MEDIA_DIR, file), width, height)) {
    if (indices.has(frame.index)) wanted.set(frame.index, { width, height, data: frame.data });
    if (frame.index >= last) break;
  }
  return wanted;
}

function flip(image: RgbImage): RgbImage {
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 3;
      const to = (y * image.width + (image.width - 1 - x)) * 3;
      out[to] = image.data[from]!;
      out[to + 1] = image.data[from + 1]!;
      out[to + 2] = image.data[from + 2]!;
    }
  }
  return { ...image, data: out };
}

/** The flashed colour over the crop, strongest at its centre (the face), as the browser actor draws it. */
function reflect(image: RgbImage, colour: LightColour, strength: number): RgbImage {
  const light = LIGHT_RGB[colour];
  const out = new Uint8Array(image.data);
  const cx = image.width / 2;
  const cy = image.height / 2;
  const radius = image.width * 0.45;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const d = Math.hypot(x - cx, y - cy) / radius;
      const alpha = d >= 1 ? 0 : strength * (d <= 0.6 ? 1 - (d / 0.6) * 0.2 : 0.8 * (1 - (d - 0.6) / 0.4));
      for (let c = 0; c < 3; c++) out[(y * image.width + x) * 3 + c] = Math.round(out[(y * image.width + x) * 3 + c]! * (1 - alpha) + light[c]! * alpha);
    }
  }
  return { ...image, data: out };
}

/** The crop of every moment's face frame (`frameForMoment`), as a page would send it. */
export async function cropsFor(trace: Trace, sources: ReadonlyMap<number, FrameSource>, moments: readonly FrameMoment[], options: CropOptions = {}): Promise<ResultFrame[]> {
  const picked = moments.map((m) => frameForMoment(trace.frames, m.t)).filter((f): f is TraceFrame => f !== undefined);
  const wanted = picked.map((frame) => {
    const source = sources.get(frame.t);
    if (!source) throw new Error(`no source for trace frame ${frame.t}`);
    return { frame, source: options.swap ? options.swap(source, frame) : source };
  });
  const byFile = new Map<string, Set<number>>();
  for (const { source } of wanted) (byFile.get(source.file) ?? byFile.set(source.file, new Set()).get(source.file)!).add(source.index);
  const decoded = new Map<string, Map<number, RgbImage>>();
  for (const [file, indices] of byFile) decoded.set(file, await decodeSome(file, indices));

  const crops: ResultFrame[] = [];
  for (const { frame, source } of wanted) {
    const image = decoded.get(source.file)?.get(source.index);
    const recorded = (await clipTrace(source.file)).frames[source.index];
    if (!image || !recorded?.box) throw new Error(`frame ${source.index} of ${source.file} has no face to crop`);
    let crop = cropRgb(image, recorded.box, undefined, source.colour && options.tint ? tintOf(source.colour, options.tint) : undefined);
    if (source.mirror) crop = flip(crop);
    if (source.colour && options.reflect !== false && !options.tint) crop = reflect(crop, source.colour, REFLECTION);
    crops.push({ t: frame.t, data: Buffer.from(encodeJpeg(crop)).toString('base64') });
  }
  return crops;
}

/** Another man's clip: the crops of a different person at the same places of the footage. */
export const OTHER_PERSON_CLIP = 'live/liveportrait-d12.mp4';

/** Maps each source frame to the frame at the same index of another person's clip (wrapping round). */
export async function otherPersonSwap(file = OTHER_PERSON_CLIP): Promise<(source: FrameSource) => FrameSource> {
  const { frames } = await clipTrace(file);
  const withFace = frames.map((f, i) => (f.n === 1 && f.box ? i : -1)).filter((i) => i >= 0);
  return (source) => ({ ...source, file, index: withFace[source.index % withFace.length]!, mirror: false });
}

/** Channel multipliers that push a crop toward `colour` by `strength` (0.1: ten per cent). */
function tintOf(colour: LightColour, strength: number): [number, number, number] {
  const light = LIGHT_RGB[colour];
  return light.map((v) => (v > 0 ? 1 + strength : 1 - strength / 2)) as [number, number, number];
}
