/**
 * The network facts of one attempt, from what the server itself saw: the HTTP source address of
 * the start (and of the result), the source addresses of the attempt's authenticated ICE binding
 * requests, and the page's reported time zone against the address's country. Pure: the lists and
 * the observations come in as values.
 */
import ct from 'countries-and-timezones';
import { classifyCameraLabel, type DeviceInfo, type ObservedRisk, type ReportedRisk, type ResultNetwork, type UdpRelation } from '@liveproof/protocol';
import type { UdpObservation } from '../store.ts';
import { parseAddress, relateAddresses, type ParsedAddress } from './addresses.ts';
import type { IpIntel } from './ip-lists.ts';
import type { RttEcho } from './rtt.ts';

export interface NetworkInput {
  intel: IpIntel;
  /** The start's HTTP source address, and the result's. */
  startIp: string | null;
  resultIp: string | null;
  /** The attempt's UDP observations; null when no probe was offered. */
  udp: readonly UdpObservation[] | null;
  /** The page's reported time zone. */
  timeZone: string | undefined;
  /** This machine's own addresses: a browser on the server's machine is `same_host`, not a mismatch. */
  localAddresses: ReadonlySet<string>;
  /** The server's own round-trip timing (the opened echo the result carried), or null. */
  rtt: RttEcho | null;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const RELATION_ORDER: UdpRelation[] = ['same_address', 'same_host', 'same_network', 'different_family', 'different_network'];

function relate(http: ParsedAddress, udp: ParsedAddress, local: ReadonlySet<string>): UdpRelation {
  const onThisMachine = (a: ParsedAddress) => a.scope === 'loopback' || local.has(a.text);
  if (http.value !== udp.value && onThisMachine(http) && onThisMachine(udp)) return 'same_host';
  return relateAddresses(http, udp);
}

/** The countries a time zone is used in (none for `UTC` and the `Etc/` zones). */
export function zoneCountries(zone: string): string[] | null {
  const info = ct.getTimezone(zone);
  if (!info) return null;
  const target = info.aliasOf ? ct.getTimezone(info.aliasOf) : info;
  return [...new Set([...(info.countries ?? []), ...(target?.countries ?? [])])].sort();
}

export function observeNetwork(input: NetworkInput): ObservedRisk {
  const start = input.startIp ? parseAddress(input.startIp) : null;
  const result = input.resultIp ? parseAddress(input.resultIp) : null;
  const http = start ? input.intel.lookupParsed(start) : null;
  const facts: ObservedRisk = { http, lists: input.intel.info, udp: null };
  if (start && result && relateAddresses(start, result) === 'different_network') facts.httpMoved = true;

  if (input.udp !== null) {
    const addresses = input.udp.map((o) => parseAddress(o.ip)).filter((a): a is ParsedAddress => a !== null);
    const distinct = [...new Map(addresses.map((a) => [a.text, a])).values()];
    if (distinct.length === 0 || !start) facts.udp = { relation: 'none', addresses: 0 };
    else {
      // The closest relation any UDP address has: a browser with several interfaces is judged by its best one.
      const ranked = distinct.map((a) => ({ a, relation: relate(start, a, input.localAddresses) })).sort((x, y) => RELATION_ORDER.indexOf(x.relation) - RELATION_ORDER.indexOf(y.relation));
      const best = ranked[0]!;
      facts.udp = { relation: best.relation, addresses: distinct.length };
      if (best.relation === 'different_network' || best.relation === 'different_family') facts.udp.address = input.intel.lookupParsed(best.a);
    }
  }

  if (input.rtt && input.rtt.minMs !== null) {
    facts.rtt = { httpMs: round(input.rtt.minMs), samples: input.rtt.samples };
    if (input.rtt.tcpMinMs !== null) facts.rtt.tcpMs = round(input.rtt.tcpMinMs);
  }

  if (input.timeZone) {
    const countries = zoneCountries(input.timeZone);
    if (countries) {
      const country = http?.country ?? null;
      facts.timeZone = { zone: input.timeZone, zoneCountries: countries, addressCountry: country, agrees: country && countries.length ? countries.includes(country) : null };
    }
  }
  return facts;
}

/** Steps with a reaction time needed before their median means anything. */
const MIN_REACTION_STEPS = 2;

/** The median of the steps' reaction times, when enough steps have one. */
export function medianReaction(steps: readonly { reactionMs?: number }[]): number | undefined {
  const times = steps.map((s) => s.reactionMs).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  if (times.length < MIN_REACTION_STEPS) return undefined;
  const mid = times.length >> 1;
  return Math.round(times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2);
}

/**
 * What the page reported, as the record keeps it: its time zone, the device's classes (the camera
 * label classified here), what its network probes measured, and the median reaction from the
 * trace's scored steps. Classes and rounded numbers only.
 */
export function reportedFacts(device: DeviceInfo | null, network: ResultNetwork | undefined, steps: readonly { reactionMs?: number }[]): ReportedRisk {
  const reported: ReportedRisk = {};
  if (device?.timeZone) reported.timeZone = device.timeZone;
  if (network?.udpRttMs !== undefined) reported.udpRttMs = round(network.udpRttMs);
  if (device) {
    if (device.renderer) reported.renderer = device.renderer;
    if (device.frameHz !== undefined) reported.frameHz = Math.round(device.frameHz);
    reported.camera = classifyCameraLabel(device.cameraLabel);
  }
  if (network?.localAddresses?.length) reported.localAddresses = [...new Set(network.localAddresses)].sort();
  const reactionMs = medianReaction(steps);
  if (reactionMs !== undefined) reported.reactionMs = reactionMs;
  return reported;
}
