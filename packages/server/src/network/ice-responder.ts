/**
 * An ICE-lite responder on one UDP port. It answers STUN binding requests whose USERNAME begins
 * with an attempt's ufrag and whose MESSAGE-INTEGRITY verifies under that ufrag's password, and
 * records the address each such request came from: the browser's UDP path, observed by the
 * server. Anything else is dropped without a word and without a write. Nothing beyond ICE runs
 * (no DTLS): the browser's connection reaches "connected" and then fails, which is all we need.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import stun from '@msimerson/stun';
import type { Clock } from '../clock.ts';
import type { UdpObservationStore } from '../store.ts';
import { parseAddress } from './addresses.ts';
import { icePassword, UFRAG_PATTERN } from './ice.ts';

const BINDING_REQUEST = 0x0001;
const MESSAGE_INTEGRITY = 0x0008;
const USERNAME = 0x0006;
const MAGIC_COOKIE = 0x2112a442;
/** Observations of one ufrag and address are written at most this often. */
const WRITE_EVERY_MS = 1000;

export interface IceResponderOptions {
  /** The secret ICE passwords derive from (`Deps.network.ice.secret`); null until the app has it, dropping requests meanwhile. */
  secret: () => Uint8Array | null;
  store: Pick<UdpObservationStore, 'recordUdpObservation'>;
  clock: Clock;
  port: number;
  host: string;
  onError?: (error: unknown) => void;
}

export interface IceResponder {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  readonly port: number;
  /** Binding requests answered, and datagrams dropped, since the start. */
  stats(): { answered: number; dropped: number };
  close(): Promise<void>;
}

/** Walks the raw attributes; returns the offset of MESSAGE-INTEGRITY and the USERNAME text. */
function scan(packet: Buffer): { integrityAt: number; username: string } | null {
  if (packet.length < 20 || packet.readUInt16BE(0) !== BINDING_REQUEST || packet.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const length = packet.readUInt16BE(2);
  if (length + 20 !== packet.length || length % 4 !== 0) return null;
  let offset = 20;
  let username: string | undefined;
  while (offset + 4 <= packet.length) {
    const type = packet.readUInt16BE(offset);
    const size = packet.readUInt16BE(offset + 2);
    if (offset + 4 + size > packet.length) return null;
    if (type === USERNAME) username = packet.toString('utf8', offset + 4, offset + 4 + size);
    if (type === MESSAGE_INTEGRITY) return size === 20 && username !== undefined ? { integrityAt: offset, username } : null;
    offset += 4 + Math.ceil(size / 4) * 4;
  }
  return null;
}

/** RFC 5389 §15.4: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, its length field covering it. */
function integrityHolds(packet: Buffer, integrityAt: number, key: string): boolean {
  const covered = Buffer.from(packet.subarray(0, integrityAt));
  covered.writeUInt16BE(integrityAt - 20 + 24, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  return timingSafeEqual(expected, packet.subarray(integrityAt + 4, integrityAt + 24));
}

export async function startIceResponder(options: IceResponderOptions): Promise<IceResponder> {
  const socket = await bindSocket(options.port, options.host);
  const lastWrite = new Map<string, number>();
  let answered = 0;
  let dropped = 0;

  socket.on('message', (packet, remote) => {
    const found = scan(packet);
    const ufrag = found?.username.split(':')[0];
    if (!found || !ufrag || !UFRAG_PATTERN.test(ufrag)) {
      dropped++;
      return;
    }
    const secret = options.secret();
    const pwd = secret ? icePassword(secret, ufrag) : '';
    if (!secret || !integrityHolds(packet, found.integrityAt, pwd)) {
      dropped++;
      return;
    }
    const address = parseAddress(remote.address);
    if (!address) {
      dropped++;
      return;
    }
    // The transaction id is the header's last 12 bytes (RFC 5389 §6).
    const response = stun.createMessage(stun.constants.STUN_BINDING_RESPONSE, Buffer.from(packet.subarray(8, 20)));
    response.addXorAddress(address.text, remote.port);
    response.addMessageIntegrity(pwd);
    response.addFingerprint();
    socket.send(response.toBuffer(), remote.port, remote.address);
    answered++;

    const now = options.clock.now();
    const key = `${ufrag} ${address.text} ${remote.port}`;
    if ((lastWrite.get(key) ?? -Infinity) + WRITE_EVERY_MS > now) return;
    lastWrite.set(key, now);
    if (lastWrite.size > 50_000) lastWrite.clear();
    options.store.recordUdpObservation({ ufrag, ip: address.text, port: remote.port, at: now }).catch((error) => options.onError?.(error));
  });
  socket.on('error', (error) => options.onError?.(error));
  return {
    port: socket.address().port,
    stats: () => ({ answered, dropped }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function bind(type: 'udp4' | 'udp6', port: number, host: string): Promise<Socket> {
  const socket = createSocket(type === 'udp6' ? { type, ipv6Only: false } : { type });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** `0.0.0.0` binds the dual-stack wildcard (IPv6 browsers too), or IPv4 alone where there is no IPv6. */
async function bindSocket(port: number, host: string): Promise<Socket> {
  if (host === '0.0.0.0' || host === '::') {
    try {
      return await bind('udp6', port, '::');
    } catch (error) {
      if (host === '::') throw error;
      return bind('udp4', port, '0.0.0.0');
    }
  }
  return bind(host.includes(':') ? 'udp6' : 'udp4', port, host);
}
