/**
 * The IP lists the server reads: `LIVEPROOF_IPINTEL_DIR` when set, else a refreshed snapshot under
 * the data directory (`liveproof ipintel refresh`), else the one set-up installed. Each file is
 * checked against its manifest's sha256 before use, so a half-written refresh is never read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIpIntel, ipListTexts, type IpIntel } from '@liveproof/server';
// @ts-expect-error: a plain ES module shared with set-up (scripts/fetch-ipintel.mjs)
import { IPINTEL_TARGET, LOCK, obtainLists, sha256, writeLists } from '../scripts/ipintel-files.mjs';
import { SettingsError, type Settings } from './settings.ts';

interface Manifest {
  repository?: string;
  commit?: string;
  date: string;
  source?: string;
  files: Record<string, { sha256: string }>;
}

export const refreshedDir = (settings: Settings) => join(settings.dataDir, 'ipintel');

/** Where the lists come from, in order of preference. */
export function ipintelDir(settings: Settings): string {
  if (settings.ipintelDir) return settings.ipintelDir;
  if (existsSync(join(refreshedDir(settings), 'manifest.json'))) return refreshedDir(settings);
  return IPINTEL_TARGET as string;
}

export function loadIpIntel(settings: Settings): { intel: IpIntel; description: string } {
  const dir = ipintelDir(settings);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new SettingsError(`No IP lists in ${dir} (manifest.json missing): run the install again, or \`liveproof ipintel refresh\`.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const read = (name: string): string => {
    const bytes = readFileSync(join(dir, name));
    const expected = manifest.files[name]?.sha256;
    if (sha256(bytes) !== expected) throw new SettingsError(`${join(dir, name)} does not match its manifest's sha256: refresh the IP lists again.`);
    return bytes.toString('utf8');
  };
  const source = manifest.source ?? (manifest.repository && manifest.commit ? `${manifest.repository}@${manifest.commit.slice(0, 7)}` : dir);
  const intel = createIpIntel(ipListTexts(read), { date: manifest.date, source });
  return { intel, description: `dated ${manifest.date} (${source})` };
}

export const IPINTEL_USAGE = `  ipintel show                          which IP lists the server reads, their date and source
  ipintel refresh [--commit SHA] [--from DIR] [--date YYYY-MM-DD]
                                        download X4BNet/lists_vpn at SHA (default main) or copy DIR into
                                        <data dir>/ipintel; the server reads it from its next start`;

/** `liveproof ipintel …` */
export async function runIpintel(args: string[], settings: Settings, flags: Record<string, string | undefined>): Promise<number> {
  const [command] = args;
  if (command === 'show') {
    console.log(`${ipintelDir(settings)}: ${loadIpIntel(settings).description}`);
    return 0;
  }
  if (command === 'refresh') {
    const commit = flags['commit'] ?? 'main';
    const date = flags['date'] ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new SettingsError('--date must be YYYY-MM-DD.');
    const files = await obtainLists(flags['from'] ? { dir: flags['from'] } : { commit });
    const manifest = writeLists(refreshedDir(settings), files, {
      repository: LOCK.repository,
      ...(flags['from'] ? { source: flags['from'] } : { commit }),
      date,
      licence: LOCK.licence,
    }) as Manifest;
    console.log(`IP lists written to ${refreshedDir(settings)} (dated ${date}); the server reads them from its next start.`);
    for (const [name, file] of Object.entries(manifest.files)) console.log(`  ${name}  sha256 ${file.sha256}`);
    return 0;
  }
  console.log(IPINTEL_USAGE);
  return command === 'help' ? 0 : 2;
}
