/** This machine's own addresses, canonical, from its network interfaces. */
import { networkInterfaces } from 'node:os';
import { parseAddress } from './addresses.ts';

export function localAddresses(): Set<string> {
  const found = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const address = parseAddress(entry.address);
      if (address) found.add(address.text);
    }
  }
  return found;
}
