#!/usr/bin/env node
// Puts the dated VPN, datacenter and Private Relay lists where the server reads them, checked by
// sha256 against ipintel.lock.json. Source, in order: $LIVEPROOF_IPINTEL_SOURCE (a directory),
// ../shared/data/ipintel/ beside the repository, the upstream repository at the locked commit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT, IPINTEL_TARGET, LOCK, holdsLockedLists, obtainLists, writeLists } from './ipintel-files.mjs';

async function main() {
  if (holdsLockedLists(IPINTEL_TARGET)) return;
  const shared = join(APP_ROOT, '..', '..', '..', 'shared', 'data', 'ipintel');
  const dir = [process.env.LIVEPROOF_IPINTEL_SOURCE, shared].find((d) => d && existsSync(join(d, 'vpn-ipv4.txt')));
  const expected = Object.fromEntries(Object.entries(LOCK.files).map(([name, f]) => [name, f.sha256]));
  const files = await obtainLists({ dir, expected });
  writeLists(IPINTEL_TARGET, files, { repository: LOCK.repository, commit: LOCK.commit, date: LOCK.date, licence: LOCK.licence });
  console.log(`liveproof: IP lists ready (${LOCK.repository}@${LOCK.commit.slice(0, 7)}, ${LOCK.date}, from ${dir ?? 'upstream'})`);
}

main().catch((error) => {
  console.error(`liveproof: could not obtain the IP lists: ${error.message}`);
  process.exit(1);
});
