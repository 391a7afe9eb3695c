/**
 * The presentations of an evaluation, in the terms of ISO/IEC 30107-3: bona fide presentations
 * (the cooperative actor) and presentation attacks of each type, generated from the shared footage
 * and the manifest. Deterministic for a given seed, so a run can be repeated.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { ActorScript } from './actor.ts';
import { COOPERATIVE_ACTOR, ONE_PERSON_ACTOR, resolveScript } from './actor-script.ts';
import type { ForgeryLevel } from './forgery.ts';
import type { Manifest } from '@liveproof/test-media';
import type { PresenterOptions } from './presenter.ts';

export const PRESENTATION_TYPES = [
  'bona_fide',
  'photo_still',
  'photo_moved',
  'replay',
  'synthetic',
  'virtual_camera',
  'forgery_naive',
  'forgery_noisy',
  'forgery_spliced',
  // High assurance (the integration requires crops; blink and open mouth left out of its plans):
  'ha_bona_fide',
  'ha_forgery_no_frames',
  'ha_forgery_spliced_frames',
  'ha_forgery_one_person_frames',
  'ha_forgery_other_person_frames',
] as const;
export type PresentationType = (typeof PRESENTATION_TYPES)[number];
export type AttackType = Exclude<PresentationType, 'bona_fide' | 'ha_bona_fide'>;

/** Genuine candidates: their failures are the BPCER. */
export const isBonaFide = (type: PresentationType) => type === 'bona_fide' || type === 'ha_bona_fide';
/** Presentations against an integration that requires high-assurance crops. */
export const isHighAssurance = (type: PresentationType) => type.startsWith('ha_');

/**
 * What a high-assurance forger sends beside its spliced trace: `none`; crops cut from the very
 * footage the splice came from, tinted on cue for the flashes (`footage`, with the cooperative
 * actor's three people, or `one_person`, one man's footage throughout); or crops of another person
 * at the same moments (`other_person`).
 */
export type ForgedFrames = 'none' | 'footage' | 'one_person' | 'other_person';

/** Labels of virtual-camera products as browsers show them (and Chromium's own fake device). */
export const VIRTUAL_CAMERA_LABELS = [
  'OBS Virtual Camera',
  'ManyCam Virtual Webcam',
  'Snap Camera',
  'XSplit VCam',
  'e2eSoft VCam',
  'NVIDIA Broadcast',
  'fake_device_0',
];

/** How the presentation reaches the check. */
export type Camera =
  | { kind: 'actor'; script: ActorScript; virtualCameraLabel?: string }
  | { kind: 'presenter'; options: PresenterOptions }
  | { kind: 'fake'; source: string; filter?: string }
  | { kind: 'forgery'; level: ForgeryLevel; delaysMs: number[]; frames?: ForgedFrames };

export interface Presentation {
  id: string;
  type: PresentationType;
  /** What was shown, for the report. */
  source: string;
  camera: Camera;
  /** The candidate opted out of flashing lights: the plan has no screen-light challenge. */
  lightOptOut: boolean;
}

/** A deterministic random source. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

/** A still frame cut from a clip with ffmpeg into the temp directory (never committed). */
export function cutFrame(clip: string, seconds: number): string {
  const dir = join(tmpdir(), 'liveproof-frames');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(clip, extname(clip))}-${seconds.toFixed(2)}.png`);
  if (!existsSync(out)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', String(seconds), '-i', clip, '-frames:v', '1', out]);
  return out;
}

/** Images a photo attack can show: the stills, and a neutral frame of every live clip with a face. */
export function photoSources(manifest: Manifest, mediaDir: string): string[] {
  const stills = manifest.clips.filter((c) => c.kind === 'photo').map((c) => join(mediaDir, c.file));
  const frames = manifest.clips
    .filter((c) => c.kind === 'bona_fide' && c.segments.some((s) => s.action === 'neutral'))
    .map((c) => cutFrame(join(mediaDir, c.file), c.segments.find((s) => s.action === 'neutral')!.start + 0.05));
  return [...stills, ...frames];
}

export interface PlanOptions {
  /** Presentations per type and condition. */
  perType: number;
  bonaFide: number;
  types: readonly PresentationType[];
  /** Run each type with and without the screen-light challenge. */
  conditions: readonly ('light' | 'no_light')[];
  seed: number;
}

export function buildPresentations(manifest: Manifest, mediaDir: string, options: PlanOptions): Presentation[] {
  const random = seeded(options.seed);
  const actor: ActorScript = { ...resolveScript(manifest, manifest.actor ?? COOPERATIVE_ACTOR), delayMs: [300, 900] };
  const onePerson: ActorScript = { ...resolveScript(manifest, ONE_PERSON_ACTOR), delayMs: [300, 900] };
  // Sources in a seeded order, so that a small sample still draws varied ones.
  const shuffled = <T>(items: T[]): T[] => items.map((item) => ({ item, key: random() })).sort((a, b) => a.key - b.key).map((x) => x.item);
  const photos = shuffled(options.types.some((t) => t.startsWith('photo')) ? photoSources(manifest, mediaDir) : []);
  const live = shuffled(manifest.clips.filter((c) => c.kind === 'bona_fide').map((c) => c.file));
  const synthetic = shuffled(manifest.clips.filter((c) => c.kind === 'synthetic').map((c) => c.file));
  const out: Presentation[] = [];

  const cameraFor = (type: PresentationType, i: number): { camera: Camera; source: string } => {
    const mirror = Math.floor(i / 2) % 2 === 1;
    switch (type) {
      case 'bona_fide':
        return { camera: { kind: 'actor', script: { ...actor, seed: Math.floor(random() * 1e9) } }, source: 'cooperative actor' };
      case 'photo_still':
      case 'photo_moved': {
        const image = photos[i % photos.length]!;
        const motion = type === 'photo_moved' ? 'hand' : 'still';
        return { camera: { kind: 'presenter', options: { image, motion, seed: Math.floor(random() * 1e9) } }, source: basename(image) };
      }
      case 'replay': {
        const file = live[i % live.length]!;
        return { camera: { kind: 'fake', source: join(mediaDir, file), ...(mirror ? { filter: 'hflip' } : {}) }, source: `${file}${mirror ? ' (mirrored)' : ''}` };
      }
      case 'synthetic': {
        // AniPortrait's clips show the reference and the animation side by side: keep the animation.
        const file = synthetic[i % synthetic.length]!;
        const filter = `crop=iw/2:ih:iw/2:0${mirror ? ',hflip' : ''}`;
        return { camera: { kind: 'fake', source: join(mediaDir, file), filter }, source: `${file} right half${mirror ? ' (mirrored)' : ''}` };
      }
      case 'virtual_camera': {
        const label = VIRTUAL_CAMERA_LABELS[i % VIRTUAL_CAMERA_LABELS.length]!;
        return { camera: { kind: 'actor', script: { ...actor, seed: Math.floor(random() * 1e9) }, virtualCameraLabel: label }, source: `cooperative actor as "${label}"` };
      }
      case 'forgery_naive':
      case 'forgery_noisy':
      case 'forgery_spliced': {
        const level = type.slice('forgery_'.length) as ForgeryLevel;
        const delaysMs = [0, 1, 2, 3].map(() => Math.round(300 + random() * 600));
        return { camera: { kind: 'forgery', level, delaysMs }, source: `${level} forgery` };
      }
      case 'ha_bona_fide':
        return { camera: { kind: 'actor', script: { ...onePerson, seed: Math.floor(random() * 1e9) } }, source: 'one-person actor (maxine-webcam-turns)' };
      case 'ha_forgery_no_frames':
      case 'ha_forgery_spliced_frames':
      case 'ha_forgery_one_person_frames':
      case 'ha_forgery_other_person_frames': {
        const frames = ({ ha_forgery_no_frames: 'none', ha_forgery_spliced_frames: 'footage', ha_forgery_one_person_frames: 'one_person', ha_forgery_other_person_frames: 'other_person' } as const)[type];
        const delaysMs = [0, 1, 2, 3].map(() => Math.round(300 + random() * 600));
        return { camera: { kind: 'forgery', level: 'spliced', delaysMs, frames }, source: `spliced forgery, crops: ${frames.replace('_', ' ')}` };
      }
    }
  };

  for (const type of options.types) {
    const count = isBonaFide(type) ? options.bonaFide : options.perType;
    for (const condition of options.conditions) {
      for (let i = 0; i < count; i++) {
        const { camera, source } = cameraFor(type, i);
        out.push({ id: `${type}-${condition}-${i + 1}`, type, source, camera, lightOptOut: condition === 'no_light' });
      }
    }
  }
  return out;
}
