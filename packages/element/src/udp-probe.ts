/**
 * The UDP probe: a WebRTC connection to the server's own ICE-lite responder, with the attempt's
 * ICE credentials from the plan. The browser sends its connectivity checks from wherever its UDP
 * really leaves; the server records where they came from. Nothing is measured or reported here:
 * the observation is the server's, so the page cannot forge it (it can only suppress it, which the
 * server records as "no UDP"). No media flows and no video leaves the device.
 *
 * The one figure taken here is the round trip of that path as the browser measured it (the
 * candidate pair's), which the server sets beside the web round trips it timed itself; it is
 * labelled as reported, since a controlled page can send any number.
 */
import { candidateAddress, classifyLocalAddress, localSetDigestInput, type LocalAddressClass, type Plan } from '@liveproof/protocol';
import { digest } from './device-probe.ts';

export interface UdpProbe {
  /** The classes of the local addresses gathered so far. */
  localClasses(): LocalAddressClass[];
  /** A digest of the gathered addresses when they tell machines apart (`localSetDigestInput`); the addresses never leave the page. */
  localSet(): Promise<string | undefined>;
  /** The path's round trip in ms, as the browser measured it; undefined before a check succeeded. */
  rttMs(): Promise<number | undefined>;
  /** Closes the connection (idempotent). */
  stop(): void;
}

async function pairRttMs(pc: RTCPeerConnection): Promise<number | undefined> {
  const stats = await pc.getStats();
  let best: number | undefined;
  stats.forEach((report: { type: string; state?: string; currentRoundTripTime?: number; totalRoundTripTime?: number; responsesReceived?: number }) => {
    if (report.type !== 'candidate-pair' || report.state !== 'succeeded') return;
    const seconds = report.currentRoundTripTime ?? (report.responsesReceived ? (report.totalRoundTripTime ?? 0) / report.responsesReceived : undefined);
    if (seconds !== undefined && (best === undefined || seconds * 1000 < best)) best = seconds * 1000;
  });
  return best;
}

/** The server never runs DTLS; any well-formed fingerprint lets the browser start ICE. */
function fingerprint(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function answerFor(offer: string, ice: NonNullable<Plan['ice']>): string {
  const mid = /^a=mid:(\S+)/m.exec(offer)?.[1] ?? '0';
  const lines = [
    'v=0',
    'o=- 1 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=ice-lite',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    `a=ice-ufrag:${ice.ufrag}`,
    `a=ice-pwd:${ice.pwd}`,
    `a=fingerprint:sha-256 ${fingerprint()}`,
    'a=setup:passive',
    'a=sctp-port:5000',
    ...ice.candidates.map((c, i) => `a=candidate:${i + 1} 1 udp ${2130706431 - i} ${c.address} ${c.port} typ host`),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Starts the probe; it stops by itself after `maxMs`, or when asked. Never throws. */
export function startUdpProbe(ice: Plan['ice'], maxMs = 8000): UdpProbe {
  if (!ice || typeof RTCPeerConnection === 'undefined') return { localClasses: () => [], localSet: async () => undefined, rttMs: async () => undefined, stop: () => undefined };
  const classes = new Set<LocalAddressClass>();
  const addresses = new Set<string>();
  let pc: RTCPeerConnection | undefined;
  const stop = () => {
    clearTimeout(timer);
    pc?.close();
    pc = undefined;
  };
  const timer = setTimeout(stop, maxMs);
  (async () => {
    pc = new RTCPeerConnection({ iceServers: [] });
    // Host candidates carry the machine's own addresses once the camera is allowed; only their class is kept.
    pc.onicecandidate = (event) => {
      const address = event.candidate ? (event.candidate.address ?? candidateAddress(event.candidate.candidate)) : null;
      if (!address) return;
      classes.add(classifyLocalAddress(address));
      addresses.add(address);
    };
    pc.createDataChannel('liveproof-probe');
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answerFor(offer.sdp ?? '', ice) });
  })().catch(() => stop());
  return { localClasses: () => [...classes], localSet: () => digest(localSetDigestInput(addresses)), rttMs: () => (pc ? pairRttMs(pc).catch(() => undefined) : Promise.resolve(undefined)), stop };
}
