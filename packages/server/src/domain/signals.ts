/**
 * Risk signals: facts about the device and the network that raise doubt without proving anything
 * on their own. Each integration sets, per signal, what it does: `record` (kept in the facts only),
 * `flag` (listed in the token's signals, lowering the assurance: the default) or `reject` (the
 * check fails with the signal named). Links between candidates are never rejected; an integration
 * may turn them `off`, and then no link keys are kept for it.
 */
import { isRemoteCadence, type Assurance, type ClaimedRisk, type DeviceInfo, type ObservedRisk, type ReasonCode, type ReportedRisk } from '@liveproof/protocol';
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
  /** High assurance was on, but the result carried no face crops for the server to check. */
  NoFrames: 'no_frames',
  /** High assurance: a re-check's face is not the face of the session's passed check. */
  FaceChanged: 'face_changed',
  /** Observed: the HTTP source address is on the dated datacenter (hosting, cloud) list. */
  DatacenterIp: 'datacenter_ip',
  /** Observed: the HTTP source address is on the dated commercial VPN list (Private Relay excluded). */
  VpnIp: 'vpn_ip',
  /** Observed: the browser's UDP path leaves from another network than its HTTP requests. */
  NetworkPathMismatch: 'network_path_mismatch',
  /** The page's time zone is not used in the country of the observed address. */
  TimezoneMismatch: 'timezone_mismatch',
  /**
   * Web requests' round trip (timed by the server) is much longer than the TCP connection's (a
   * trusted reverse proxy's figure) or the UDP path's (the browser's figure): a relay on the way.
   */
  ProxyTiming: 'proxy_timing',
  /** Reported: WebGL renders in software, or there is no WebGL (no GPU: most VMs and remote sessions). */
  SoftwareRenderer: 'software_renderer',
  /** Reported: a virtual machine's display adapter, camera or default NAT address. */
  VmIndicators: 'vm_indicators',
  /** Reported: a camera redirected into a remote session, a 30-a-second frame cadence, or slow reactions to the prompts. */
  RemoteSessionHint: 'remote_session_hint',
  /** The claimed country or time zone disagrees with the address's country or the browser's time zone. */
  ClaimedLocationMismatch: 'claimed_location_mismatch',
  /** The phone number as written: invalid, another country's, written as dialled from abroad, or not a personal line. */
  PhoneAnomaly: 'phone_anomaly',
  /** Another candidate of the integration was seen from the same public address (HTTP or UDP) within the link window. */
  SharedNetwork: 'shared_network',
  /** Another candidate of the integration was seen with the same set of local addresses or the same device digest. */
  SharedDevice: 'shared_device',
  /** High assurance, opted in: the check's face looks like another candidate's within the match's days. */
  SharedFace: 'shared_face',
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
  // A whole file path (a random id that merely starts with a slash is none).
  /^(\/[\w .-]+)+$/,
  /^[a-z]:\\/i,
];

export function isVirtualCameraLabel(label: string): boolean {
  return VIRTUAL_CAMERA_LABELS.some((pattern) => pattern.test(label));
}

export function deviceSignals(device: DeviceInfo): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (device.webdriver) signals.push('automation');
  // A canvas's track names no camera (Chromium labels it with a random id).
  if (!device.canvasTrack && isVirtualCameraLabel(device.cameraLabel)) signals.push('virtual_camera');
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

/**
 * How much longer than the path underneath a web request's round trip must be for `proxy_timing`:
 * well above what the browser's own turnaround adds (at most 12 ms on the lab's direct path with the
 * element's timing worker, up to 70 ms when a page's policy forbids the worker and the main thread
 * is busy with the face model: `pnpm lab`), at what a relay in another region adds (a hundred ms
 * and more). A proxy next door adds less and is not seen by timing.
 */
export const PROXY_GAP_MS = 100;
/** Fewer server-timed samples than this say too little to raise `proxy_timing`. */
export const PROXY_MIN_SAMPLES = 3;

/** Whether the round trips show a relay: the application's against TCP's, or against UDP's when UDP went direct. */
export function proxyTiming(observed: ObservedRisk, reported: ReportedRisk): boolean {
  const http = observed.rtt?.httpMs;
  if (http === undefined || observed.rtt!.samples < PROXY_MIN_SAMPLES) return false;
  const tcp = observed.rtt?.tcpMs;
  if (tcp !== undefined && http - tcp >= PROXY_GAP_MS) return true;
  const udpSeen = observed.udp !== null && observed.udp.relation !== 'none';
  return udpSeen && reported.udpRttMs !== undefined && http - reported.udpRttMs >= PROXY_GAP_MS;
}

/** The signals the server's own observation of the network raises (with the page's UDP round trip beside it). */
export function networkSignals(observed: ObservedRisk, reported: ReportedRisk = {}): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (observed.http?.lists.includes('datacenter')) signals.push('datacenter_ip');
  if (observed.http?.lists.includes('vpn')) signals.push('vpn_ip');
  if (observed.udp?.relation === 'different_network') signals.push('network_path_mismatch');
  if (observed.timeZone?.agrees === false) signals.push('timezone_mismatch');
  if (proxyTiming(observed, reported)) signals.push('proxy_timing');
  return signals;
}

/**
 * The median reaction (prompt to the movement's start, from the trace) above which the prompts
 * look answered through a remote-control loop. People answer the check's prompts in about 0.4 to
 * 1.2 s; a loop over the network adds its round trip and the remote screen's delay. A simulation
 * measures how often it fires (`pnpm remote-loop`; THREAT-MODEL.md).
 */
export const REMOTE_REACTION_MS = 1500;
/** The signals the page's reported device classes raise. */
export function reportedSignals(reported: ReportedRisk): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (reported.renderer === 'software' || reported.renderer === 'none') signals.push('software_renderer');
  if (reported.renderer === 'virtual_machine' || reported.camera === 'virtual_machine' || reported.localAddresses?.includes('virtual_machine')) signals.push('vm_indicators');
  const slow = reported.reactionMs !== undefined && reported.reactionMs >= REMOTE_REACTION_MS;
  if (reported.camera === 'remote_session' || (reported.frameHz !== undefined && isRemoteCadence(reported.frameHz)) || slow) signals.push('remote_session_hint');
  return signals;
}

/** The signals the session's claims raise against what was observed. */
export function claimSignals(claimed: ClaimedRisk | null): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (claimed?.location?.mismatches.length) signals.push('claimed_location_mismatch');
  if (claimed?.phone?.anomalies.length) signals.push('phone_anomaly');
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
    if (policy === 'off') continue;
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
