/**
 * Risk signals: facts about the device that raise doubt without proving anything on their own.
 * They are recorded and carried in the token; they do not fail a check by themselves.
 */
import type { DeviceInfo } from '@liveproof/protocol';

export const RiskSignal = {
  /** The browser reports that automation drives it (navigator.webdriver). */
  Automation: 'automation',
  /** The camera's label names a known virtual-camera product. */
  VirtualCamera: 'virtual_camera',
  /** The camera stream was handed to the element by the page rather than opened by it. */
  ProvidedStream: 'provided_stream',
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
  return signals;
}
