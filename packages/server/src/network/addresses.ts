/**
 * IP addresses as the network signals read them: one canonical form (IPv4-mapped IPv6 is IPv4),
 * a scope (public, private, loopback…), and how two addresses relate. Parsing is `ipaddr.js`'s.
 */
import ipaddr from 'ipaddr.js';
import type { AddressScope } from '@liveproof/protocol';

export type AddressFamily = 4 | 6;

export interface ParsedAddress {
  /** Canonical text: dotted IPv4, or RFC 5952 IPv6. */
  text: string;
  family: AddressFamily;
  scope: AddressScope;
  /** The address as an integer (IPv4: below 2^32). */
  value: bigint;
}

/** ipaddr.js's range names as scopes; `shared` is carrier-grade NAT (also Tailscale, Zscaler, WARP). */
const SCOPES: Record<string, AddressScope> = {
  unicast: 'public',
  private: 'private',
  uniqueLocal: 'private',
  carrierGradeNat: 'shared',
  loopback: 'loopback',
  linkLocal: 'link_local',
};

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Parses an address (IPv6 zone ids and IPv4-mapped forms included); null when it is not one. */
export function parseAddress(input: string): ParsedAddress | null {
  const text = input.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return null;
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  // ipaddr.js accepts shorthand IPv4 ("10.1"); only four-part dotted forms count here.
  if (address.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text) && !text.includes(':')) return null;
  const family: AddressFamily = address.kind() === 'ipv4' ? 4 : 6;
  return { text: address.toString(), family, scope: SCOPES[address.range()] ?? 'other', value: toBigInt(address.toByteArray()) };
}

/** Bits of the prefix that counts as "one network" when two addresses are compared. */
export const NETWORK_PREFIX: Record<AddressFamily, number> = { 4: 24, 6: 48 };

/**
 * How the address a UDP packet came from relates to the HTTP request's: the same address, the
 * same network (IPv4 /24, IPv6 /48), a different network, or a different family (dual-stack
 * browsers send HTTP over IPv6 and UDP over IPv4, or the reverse: not comparable, not a mismatch).
 */
export type AddressRelation = 'same_address' | 'same_network' | 'different_network' | 'different_family';

export function relateAddresses(a: ParsedAddress, b: ParsedAddress): AddressRelation {
  if (a.family !== b.family) return 'different_family';
  if (a.value === b.value) return 'same_address';
  const shift = BigInt((a.family === 4 ? 32 : 128) - NETWORK_PREFIX[a.family]);
  return a.value >> shift === b.value >> shift ? 'same_network' : 'different_network';
}

/** The address's network (IPv4 /24, IPv6 /48) as text: what a round-trip echo is bound to. */
export function networkOf(address: ParsedAddress): string {
  const bits = address.family === 4 ? 32 : 128;
  const shift = BigInt(bits - NETWORK_PREFIX[address.family]);
  return `${address.family}:${((address.value >> shift) << shift).toString(16)}/${NETWORK_PREFIX[address.family]}`;
}
