/**
 * Risk signals: facts about the device that raise doubt without proving anything on their own.
 * They are recorded and carried in the token; they do not fail a check by themselves.
 */
import type { Assurance, DeviceInfo, ReasonCode } from '@liveproof/protocol';
import type { Policy } from '../store.ts';
import type { PlanFacts } from './plan.ts';

export const RiskSignal = {
  /** The browser reports that automation drives it (navigator.webdriver). */
  Automation: 'automation',
  /** The camera's label names a known virtual-camera product. */
  VirtualCamera: 'virtual_camera',
  /** The camera stream was handed to the element by the page rather than opened by it. */
  ProvidedStream: 'provided_stream',
  /** The video track is not a capture device's: it was made in the page (canvas, WebRTC, script). */
  InjectedStream: 'injected_stream',
  /** The candidate opted out of the screen-light challenge. */
  LightOptOut: 'light_opt_out',
} as const;
export type RiskSignal = (typeof RiskSignal)[keyof typeof RiskSignal];

const VIRTUAL_CAMERA_LABELS = [
  /obs[\s-]*virtual/i,
  /manycam/i,
  /snap\s*camera/i,
  /xsplit/i,
  /e2esoft|vcam/i,
  /nvidia\s*broadcast/i,
  /fake[\s_-]*(video|camera|device)/i,
  /virtual\s*cam/i,
  // Chromium's --use-file-for-fake-video-capture names the camera after the file it plays.
  /\.(y4m|mjpe?g)$/i,
  /^(\/|[a-z]:\\)/i,
];

export function isVirtualCameraLabel(label: string): boolean {
  return VIRTUAL_CAMERA_LABELS.some((pattern) => pattern.test(label));
}

export function deviceSignals(device: DeviceInfo): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (device.webdriver) signals.push('automation');
  if (isVirtualCameraLabel(device.cameraLabel)) signals.push('virtual_camera');
  if (device.providedStream) signals.push('provided_stream');
  // Camera tracks name a device and its group; a track drawn from a canvas, or made by a script,
  // does not. (A script in the candidate's own browser can of course fake all of this.)
  if (!device.providedStream && (device.canvasTrack || device.deviceId === false || device.groupId === false)) signals.push('injected_stream');
  return signals;
}

/** The signals of an attempt: its device's, and whether the candidate opted out of the light. */
export function attemptSignals(plan: Pick<PlanFacts, 'lightOptOut'>, device: DeviceInfo | null): RiskSignal[] {
  const signals = device ? deviceSignals(device) : [];
  if (plan.lightOptOut) signals.push('light_opt_out');
  return signals;
}

/** The integration's policy turns a virtual camera from a signal into a reason to fail. */
export function applyPolicy(reasons: readonly ReasonCode[], signals: readonly RiskSignal[], policy: Policy): ReasonCode[] {
  if (policy === 'reject' && signals.includes('virtual_camera') && !reasons.includes('virtual_camera')) return [...reasons, 'virtual_camera'];
  return [...reasons];
}

/** Every risk signal lowers how much a pass can be relied on. */
export function assuranceOf(signals: readonly string[]): Assurance {
  return signals.length === 0 ? 'high' : 'reduced';
}
