/** Per-clip figures of a recorded trace: face coverage, pose ranges and expression peaks. */
import { BS, type TraceFrame } from '@liveproof/protocol';

export interface TraceSummary {
  frames: number;
  /** Share of frames with at least one face, and with two or more. */
  coverage: number;
  multiFace: number;
  yaw: [min: number, max: number];
  pitch: [min: number, max: number];
  /** Peaks of the averaged eyeBlink and mouthSmile scores, and of jawOpen. */
  blink: number;
  smile: number;
  jaw: number;
}

export function summarise(frames: readonly TraceFrame[]): TraceSummary {
  const faces = frames.filter((f) => f.n > 0);
  const yaws = faces.flatMap((f) => (f.pose ? [f.pose[0]] : []));
  const pitches = faces.flatMap((f) => (f.pose ? [f.pose[1]] : []));
  const peak = (pick: (bs: number[]) => number) => Math.max(0, ...faces.flatMap((f) => (f.bs ? [pick(f.bs)] : [])));
  return {
    frames: frames.length,
    coverage: frames.length === 0 ? 0 : faces.length / frames.length,
    multiFace: frames.length === 0 ? 0 : frames.filter((f) => f.n > 1).length / frames.length,
    yaw: [Math.min(...yaws), Math.max(...yaws)],
    pitch: [Math.min(...pitches), Math.max(...pitches)],
    blink: peak((bs) => (bs[BS.eyeBlinkLeft]! + bs[BS.eyeBlinkRight]!) / 2),
    smile: peak((bs) => (bs[BS.mouthSmileLeft]! + bs[BS.mouthSmileRight]!) / 2),
    jaw: peak((bs) => bs[BS.jawOpen]!),
  };
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
const range = ([min, max]: [number, number]) => (Number.isFinite(min) ? `${min.toFixed(0)}..${max.toFixed(0)}` : '-');

export function formatSummary(label: string, s: TraceSummary): string {
  return (
    `${label}: ${s.frames} frames, face ${pct(s.coverage)} (2+ faces ${pct(s.multiFace)}), ` +
    `yaw ${range(s.yaw)}, pitch ${range(s.pitch)}, max blink ${s.blink.toFixed(2)} smile ${s.smile.toFixed(2)} jawOpen ${s.jaw.toFixed(2)}`
  );
}
