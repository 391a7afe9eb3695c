/**
 * The secrets a start needs besides the database: the key-encryption key that seals signing keys
 * and webhook secrets (LIVEPROOF_KEK; the development start keeps one in `<data dir>/kek`), and the
 * development credentials kept in files under the data directory (mode 600), each printed only on
 * the start that created it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSealer, newKek, parseKek, type Sealer } from '@liveproof/server';
import { SettingsError, type Settings } from './settings.ts';

export interface KeptSecret {
  value: string;
  file: string;
  /** True on the start that made it: the only one that prints it. */
  created: boolean;
}

/** A secret in `<data dir>/<name>`, made by `make` on first use. */
export function keptSecret(dataDir: string, name: string, make: () => string): KeptSecret {
  const file = join(dataDir, name);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, file, created: true };
}

export async function loadSealer(settings: Settings): Promise<{ sealer: Sealer; source: string }> {
  if (settings.keks.length === 0) {
    if (settings.mode === 'production') {
      throw new SettingsError('LIVEPROOF_KEK is required: 32 random bytes in base64 (openssl rand -base64 32). It seals signing keys and webhook secrets at rest.');
    }
    const kept = keptSecret(settings.dataDir, 'kek', newKek);
    return { sealer: await createSealer([parseKek(kept.value, kept.file)]), source: kept.file };
  }
  const keks = settings.keks.map((text, i) => parseKek(text, i === 0 ? 'LIVEPROOF_KEK' : 'LIVEPROOF_KEK_PREVIOUS'));
  return { sealer: await createSealer(keks), source: 'LIVEPROOF_KEK' };
}
