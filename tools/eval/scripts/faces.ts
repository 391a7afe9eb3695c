/**
 * `pnpm bench:faces`: the server's face measurement on crops cut from the shared footage, against
 * the recorded traces of the same frames. Prints what the high-assurance tolerances rest on:
 *   - cost per crop (detection and mesh; with the embedding), and crop size in bytes;
 *   - how the server's head pose follows the trace's (slope and residuals, yaw and pitch);
 *   - mouth and eye openness against the trace's blendshapes;
 *   - face similarity within a clip (one person) and across clips (different people): the false
 *     match and false non-match rates at each threshold.
 * Each clip is taken to show one person, and different clips different people.
 * Options: --every N (trace frames between crops, default 8), --json PATH (write the raw figures).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createFaceAnalyser, cropRgb, encodeJpeg, type FaceMeasure } from '@liveproof/faces';
import { BS, type FaceBox } from '@liveproof/protocol';
import { decodeFrames } from '../src/footage.ts';
import { SHARED_MEDIA_DIR, TEST_MEDIA_DIR, loadManifest, type RecordedTrace } from '@liveproof/test-media';
import { readFile } from 'node:fs/promises';

const { values } = parseArgs({ options: { every: { type: 'string', default: '8' }, json: { type: 'string' } } });
const every = Number(values.every);

interface Sample {
  clip: string;
  t: number;
  trace: { pose: [number, number, number]; jawOpen: number; blink: number };
  measure: FaceMeasure;
  bytes: number;
}

const analyser = await createFaceAnalyser();
const manifest = await loadManifest();
const samples: Sample[] = [];
const cost = { plain: [] as number[], embed: [] as number[] };

for (const clip of manifest.clips.filter((c) => c.kind === 'bona_fide')) {
  const trace = JSON.parse(await readFile(join(TEST_MEDIA_DIR, clip.trace), 'utf8')) as RecordedTrace;
  const wanted = new Map<number, { box: FaceBox; pose: [number, number, number]; bs: number[]; t: number }>();
  trace.frames.forEach((frame, index) => {
    if (index % every === 0 && frame.n === 1 && frame.box && frame.pose && frame.bs) wanted.set(index, { box: frame.box, pose: frame.pose, bs: frame.bs, t: frame.t });
  });
  let n = 0;
  for await (const frame of decodeFrames(join(SHARED_MEDIA_DIR, clip.file), trace.analysedWidth, trace.analysedHeight)) {
    const want = wanted.get(frame.index);
    if (!want) continue;
    const jpeg = encodeJpeg(cropRgb(frame, want.box));
    const embed = n++ % 2 === 0;
    const started = performance.now();
    const measure = await analyser.measure(jpeg, { embed });
    (embed ? cost.embed : cost.plain).push(performance.now() - started);
    const bs = want.bs;
    samples.push({ clip: clip.file, t: want.t, trace: { pose: want.pose, jawOpen: bs[BS.jawOpen]!, blink: (bs[BS.eyeBlinkLeft]! + bs[BS.eyeBlinkRight]!) / 2 }, measure, bytes: jpeg.byteLength });
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

const found = samples.filter((s) => s.measure.faces > 0 && s.measure.pose);
console.log(`crops: ${samples.length} from ${new Set(samples.map((s) => s.clip)).size} clips; a face found in ${found.length}`);
console.log(`crop size: median ${f(quantile(samples.map((s) => s.bytes), 0.5) / 1024)} KB, p95 ${f(quantile(samples.map((s) => s.bytes), 0.95) / 1024)} KB`);
console.log(`cost per crop: ${f(quantile(cost.plain, 0.5))} ms median (p95 ${f(quantile(cost.plain, 0.95))}) without embedding; ${f(quantile(cost.embed, 0.5))} ms (p95 ${f(quantile(cost.embed, 0.95))}) with it`);

for (const [axis, i] of [['yaw', 0], ['pitch', 1], ['roll', 2]] as const) {
  const pairs = found.map((s) => [s.trace.pose[i], s.measure.pose![i]] as const);
  const slope = pairs.reduce((a, [x, y]) => a + x * y, 0) / pairs.reduce((a, [x]) => a + x * x, 0);
  const residuals = pairs.map(([x, y]) => Math.abs(y - slope * x));
  const raw = pairs.map(([x, y]) => Math.abs(y - x));
  console.log(`${axis}: server = ${f(slope, 2)} x trace; |residual| p50 ${f(quantile(residuals, 0.5))}°, p95 ${f(quantile(residuals, 0.95))}°, max ${f(Math.max(...residuals))}°; |server - trace| p95 ${f(quantile(raw, 0.95))}°; trace range ${f(Math.min(...pairs.map((p) => p[0])))}..${f(Math.max(...pairs.map((p) => p[0])))}°`);
}
for (const [name, key, mkey] of [['mouth', 'jawOpen', 'mouth'], ['eyes', 'blink', 'eyes']] as const) {
  const open = found.filter((s) => s.trace[key] >= 0.5).map((s) => s.measure[mkey] ?? NaN);
  const shut = found.filter((s) => s.trace[key] < 0.2).map((s) => s.measure[mkey] ?? NaN);
  console.log(`${name}: trace ${key} >= 0.5: server p5 ${f(quantile(open, 0.05), 3)} p50 ${f(quantile(open, 0.5), 3)} (n ${open.length}); ${key} < 0.2: p50 ${f(quantile(shut, 0.5), 3)} p95 ${f(quantile(shut, 0.95), 3)} (n ${shut.length})`);
}

const embedded = found.filter((s) => s.measure.embedding);
const same: number[] = [];
const other: number[] = [];
for (let i = 0; i < embedded.length; i++) {
  for (let j = i + 1; j < embedded.length; j++) {
    const a = embedded[i]!;
    const b = embedded[j]!;
    (a.clip === b.clip ? same : other).push(analyser.similarity(a.measure.embedding!, b.measure.embedding!));
  }
}
console.log(`similarity: same clip n ${same.length} p1 ${f(quantile(same, 0.01), 3)} p5 ${f(quantile(same, 0.05), 3)} median ${f(quantile(same, 0.5), 3)}; other clips n ${other.length} median ${f(quantile(other, 0.5), 3)} p99 ${f(quantile(other, 0.99), 3)} max ${f(Math.max(...other), 3)}`);
for (const threshold of [0.4, 0.45, 0.5, 0.55, 0.6]) {
  const fm = other.filter((s) => s >= threshold).length;
  const fnm = same.filter((s) => s < threshold).length;
  console.log(`  at ${threshold}: false matches ${fm}/${other.length} (${f((100 * fm) / other.length, 2)}%), false non-matches ${fnm}/${same.length} (${f((100 * fnm) / same.length, 2)}%)`);
}
// The continuity check compares a re-check's frontal crops with the check's as sets: the mean of
// every pair's similarity. Sets of three crops from one clip against three other crops of the same
// clip (one person) and of every other clip (different people), drawn in a fixed order.
const frontal = embedded.filter((s) => Math.abs(s.trace.pose[0]) <= 18 && Math.abs(s.trace.pose[1]) <= 18);
const byClip = new Map<string, Sample[]>();
for (const s of frontal) (byClip.get(s.clip) ?? byClip.set(s.clip, []).get(s.clip)!).push(s);
const setMean = (a: Sample[], b: Sample[]) => a.flatMap((x) => b.map((y) => analyser.similarity(x.measure.embedding!, y.measure.embedding!))).reduce((sum, v, _i, all) => sum + v / all.length, 0);
const sameSets: number[] = [];
const otherSets: number[] = [];
const clipsWithSets = [...byClip.entries()].filter(([, list]) => list.length >= 6);
for (const [clip, list] of clipsWithSets) {
  for (let k = 0; k + 6 <= list.length; k += 6) sameSets.push(setMean(list.slice(k, k + 3), list.slice(k + 3, k + 6)));
  for (const [otherClip, others] of clipsWithSets) if (otherClip > clip) otherSets.push(setMean(list.slice(0, 3), others.slice(0, 3)));
}
console.log(`face sets (3 frontal crops against 3, mean similarity; ${clipsWithSets.length} clips): same clip n ${sameSets.length} min ${f(Math.min(...sameSets), 3)} median ${f(quantile(sameSets, 0.5), 3)}; other clips n ${otherSets.length} median ${f(quantile(otherSets, 0.5), 3)} max ${f(Math.max(...otherSets), 3)}`);
for (const threshold of [0.35, 0.4, 0.45, 0.5]) {
  console.log(`  face_changed below ${threshold}: raised for ${sameSets.filter((v) => v < threshold).length}/${sameSets.length} same-clip sets, missed for ${otherSets.filter((v) => v >= threshold).length}/${otherSets.length} other-clip sets`);
}
if (values.json) await writeFile(values.json, JSON.stringify({ every, samples: samples.map(({ measure, ...s }) => ({ ...s, measure: { ...measure, embedding: undefined } })), cost }, null, 1));
