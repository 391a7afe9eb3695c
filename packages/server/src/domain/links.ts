/**
 * Links between candidates: one operator behind several personas shows up as different candidate
 * references of one integration seen, within the link window, with the same public address (HTTP
 * or UDP: an address a proxy hides from the web requests can still leak on the UDP path), the same
 * set of local addresses, or the same device digest. Only keyed hashes are kept (HMAC with a key
 * per integration, derived from the server's secret), so one integration's keys never match
 * another's and the store never holds the addresses or digests they came from.
 *
 * A link never fails a check (policies refuse `reject` for it): offices, universities, carrier NAT
 * and fleets of identical company laptops make honest collisions common. It points a reviewer to
 * the other sessions.
 */
import { createHmac } from 'node:crypto';
import type { DeviceInfo, LinkFact, ResultNetwork } from '@liveproof/protocol';
import type { Deps } from '../context.ts';
import { parseAddress } from '../network/addresses.ts';
import type { LinkKey, LinkKind, SessionRecord, UdpObservation } from '../store.ts';
import type { RiskSignal } from './signals.ts';

/** The signal each kind of link raises. */
const LINK_SIGNAL: Record<LinkKind, RiskSignal> = { address: 'shared_network', local_set: 'shared_device', device: 'shared_device' };
/** Signals that link candidates, never fail a check: by keyed hashes here, by faces in `face-match.ts`. */
export const LINK_SIGNALS: readonly string[] = [...new Set(Object.values(LINK_SIGNAL)), 'shared_face'];

/** Other sessions named per link, at most: enough for a reviewer to start from. */
const MAX_LINKED_SESSIONS = 10;

/**
 * The public address as it links: an IPv4 address itself, an IPv6 address's /64 (one household
 * or one host's privacy addresses). A neighbouring address is no link: providers hand neighbours
 * addresses from one /24. Private, shared (carrier NAT), loopback and link-local addresses link
 * nothing; reserved ranges (the documentation networks a lab uses) link like public ones.
 */
const UNLINKED_SCOPES: ReadonlySet<string> = new Set(['private', 'shared', 'loopback', 'link_local']);

function addressValue(ip: string | null): string | null {
  const address = ip ? parseAddress(ip) : null;
  if (!address || UNLINKED_SCOPES.has(address.scope)) return null;
  return address.family === 4 ? address.text : `${(address.value >> 64n).toString(16)}::/64`;
}

export interface LinkInput {
  session: SessionRecord;
  startIp: string | null;
  udp: readonly UdpObservation[] | null;
  device: DeviceInfo | null;
  network: ResultNetwork | undefined;
}

/** The values an attempt links by, before hashing. */
export function linkValues(input: Omit<LinkInput, 'session'>): { kind: LinkKind; value: string }[] {
  const values: { kind: LinkKind; value: string }[] = [];
  for (const ip of [input.startIp, ...(input.udp ?? []).map((o) => o.ip)]) {
    const value = addressValue(ip);
    if (value) values.push({ kind: 'address', value });
  }
  if (input.network?.localSet) values.push({ kind: 'local_set', value: input.network.localSet });
  if (input.device?.fingerprint) values.push({ kind: 'device', value: input.device.fingerprint });
  return [...new Map(values.map((v) => [`${v.kind}\0${v.value}`, v])).values()];
}

export function linkHash(secret: Uint8Array, integrationId: string, kind: LinkKind, value: string): string {
  return createHmac('sha256', secret).update(`${integrationId}\0${kind}\0${value}`).digest('base64url').slice(0, 22);
}

/**
 * Records the attempt's link keys and finds the other candidates' sessions that share one, as
 * facts per kind. Kinds whose signal the integration set to `off` are neither kept nor looked up.
 */
export async function linkAttempt(deps: Deps, input: LinkInput, at: number, off: ReadonlySet<string>): Promise<LinkFact[]> {
  const { session } = input;
  const keys: LinkKey[] = linkValues(input)
    .filter((v) => !off.has(LINK_SIGNAL[v.kind]))
    .map((v) => ({ integrationId: session.integrationId, hash: linkHash(deps.network.links.secret, session.integrationId, v.kind, v.value), kind: v.kind, sessionId: session.id, candidateRef: session.candidateRef, seenAt: at }));
  if (keys.length === 0) return [];
  const since = at - deps.config.linkWindowDays * 24 * 3600 * 1000;
  const found = await deps.store.linkKeys(keys, since, MAX_LINKED_SESSIONS * keys.length);
  const byKind = new Map<LinkKind, { sessions: Set<string>; candidates: Set<string> }>();
  for (const row of found) {
    const entry = byKind.get(row.kind) ?? { sessions: new Set(), candidates: new Set() };
    byKind.set(row.kind, entry);
    if (entry.sessions.size < MAX_LINKED_SESSIONS) entry.sessions.add(row.sessionId);
    entry.candidates.add(row.candidateRef);
  }
  return [...byKind].map(([by, entry]) => ({ signal: LINK_SIGNAL[by] as LinkFact['signal'], by, sessions: [...entry.sessions], candidates: entry.candidates.size }));
}

/** The signals the links raise. */
export function linkSignals(links: readonly LinkFact[]): RiskSignal[] {
  return [...new Set(links.map((l) => l.signal))];
}
