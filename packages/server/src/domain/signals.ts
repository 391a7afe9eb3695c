/**
 * Risk signals: facts about the device and the network that raise doubt without proving anything
 * on their own. Each integration sets, per signal, what it does: `record` (kept in the facts only),
 * `flag` (listed in the token's signals, lowering the assurance: the default) or `reject` (the
 * check fails with the signal named). Links between candidates are never rejected.
 */
import type { Assurance, DeviceInfo, ObservedRisk, ReasonCode } from '@liveproof/protocol';
import type { IntegrationRecord, SignalPolicy } from '../store.ts';
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
  /** Observed: the HTTP source address is on the dated datacenter (hosting, cloud) list. */
  DatacenterIp: 'datacenter_ip',
  /** Observed: the HTTP source address is on the dated commercial VPN list (Private Relay excluded). */
  VpnIp: 'vpn_ip',
  /** Observed: the browser's UDP path leaves from another network than its HTTP requests. */
  NetworkPathMismatch: 'network_path_mismatch',
  /** The page's time zone is not used in the country of the observed address. */
  TimezoneMismatch: 'timezone_mismatch',
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

/** The signals the server's own observation of the network raises. */
export function networkSignals(observed: ObservedRisk): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (observed.http?.lists.includes('datacenter')) signals.push('datacenter_ip');
  if (observed.http?.lists.includes('vpn')) signals.push('vpn_ip');
  if (observed.udp?.relation === 'different_network') signals.push('network_path_mismatch');
  if (observed.timeZone?.agrees === false) signals.push('timezone_mismatch');
  return signals;
}

/** Signals an integration may set a policy for. */
export const POLICY_SIGNALS = Object.values(RiskSignal);

/** What `signal` does for `integration`: its own policy, else `flag` (a virtual camera keeps its older setting). */
export function policyFor(integration: Pick<IntegrationRecord, 'signalPolicies' | 'virtualCameraPolicy'>, signal: string): SignalPolicy {
  const own = integration.signalPolicies[signal];
  if (own) return own;
  if (signal === 'virtual_camera') return integration.virtualCameraPolicy;
  return 'flag';
}

export interface Judgement {
  reasons: ReasonCode[];
  /** Flagged or rejected: they lower the assurance and travel in the token's `signals`. */
  signals: string[];
  /** Kept on record only. */
  recorded: string[];
}

/** The integration's policies over an attempt's signals: which lower the assurance, which fail it. */
export function judgeSignals(reasons: readonly ReasonCode[], signals: readonly string[], integration: Pick<IntegrationRecord, 'signalPolicies' | 'virtualCameraPolicy'>): Judgement {
  const judged: Judgement = { reasons: [...reasons], signals: [], recorded: [] };
  for (const signal of new Set(signals)) {
    const policy = policyFor(integration, signal);
    if (policy === 'record') judged.recorded.push(signal);
    else judged.signals.push(signal);
    if (policy !== 'reject') continue;
    const reason: ReasonCode = signal === 'virtual_camera' ? 'virtual_camera' : 'risk_policy';
    if (!judged.reasons.includes(reason)) judged.reasons.push(reason);
  }
  return judged;
}

/** Every risk signal lowers how much a pass can be relied on. */
export function assuranceOf(signals: readonly string[]): Assurance {
  return signals.length === 0 ? 'high' : 'reduced';
}
