/**
 * The ICE-lite responder of a start: on `LIVEPROOF_ICE_PORT` (3478 by default; `off` for none),
 * telling browsers to reach it at `LIVEPROOF_ICE_ADDRESS`, else at the public URL's host (resolved
 * when it is a name). A port that cannot be bound, or a host that resolves to nothing, leaves the
 * server without the probe, said once at the start: no UDP is a fact, never a failure.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { startIceResponder, systemClock, type IceConfig, type IceResponder, type Store } from '@liveproof/server';
import type { Settings } from './settings.ts';

export interface IceStart {
  responder: IceResponder | null;
  config: IceConfig | undefined;
  description: string;
  /** Hands the responder the secret once the app has derived it. */
  setSecret(secret: Uint8Array | null): void;
}

async function candidateAddresses(settings: Settings, issuer: string): Promise<string[]> {
  if (settings.ice.address) return settings.ice.address.split(',').map((a) => a.trim()).filter(Boolean);
  const host = new URL(issuer).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return [host];
  if (host === 'localhost') return ['127.0.0.1'];
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

export async function startIce(settings: Settings, issuer: string, store: () => Store | null): Promise<IceStart> {
  let secret: Uint8Array | null = null;
  const none = (description: string): IceStart => ({ responder: null, config: undefined, description, setSecret: () => undefined });
  if (settings.ice.port === null) return none('off (LIVEPROOF_ICE_PORT=off)');
  const addresses = await candidateAddresses(settings, issuer);
  if (addresses.length === 0) return none(`off: no address for browsers to reach it at (set LIVEPROOF_ICE_ADDRESS)`);
  let responder: IceResponder;
  try {
    responder = await startIceResponder({
      secret: () => secret,
      store: { recordUdpObservation: (o) => store()?.recordUdpObservation(o) ?? Promise.resolve() },
      clock: systemClock,
      port: settings.ice.port,
      host: settings.ice.host,
      onError: (error) => console.error('liveproof: ICE responder:', error),
    });
  } catch (error) {
    return none(`off: UDP port ${settings.ice.port} could not be bound (${(error as Error).message}); set LIVEPROOF_ICE_PORT`);
  }
  return {
    responder,
    config: { candidates: addresses.map((address) => ({ address, port: responder.port })) },
    description: `udp ${addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(', ')} port ${responder.port}`,
    setSecret: (value) => {
      secret = value;
    },
  };
}
