/**
 * The development integration `pnpm start` prints an API key for. Its key comes from
 * LIVEPROOF_API_KEY, or from `<data dir>/dev-api-key`, created on first start (mode 600). It may
 * issue tokens for the demo's audience and those in LIVEPROOF_DEV_AUDIENCES.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIntegration, sha256Hex, type Store, type VirtualCameraPolicy } from '@liveproof/server';

export async function ensureDevIntegration(
  store: Store,
  dataDir: string,
  audiences: string[],
  envKey?: string,
  virtualCameraPolicy: VirtualCameraPolicy = 'flag',
  referenceImageDays: number | null = null,
): Promise<{ apiKey: string; source: string }> {
  const file = join(dataDir, 'dev-api-key');
  let apiKey = envKey;
  let source = 'LIVEPROOF_API_KEY';
  if (!apiKey && existsSync(file)) {
    apiKey = readFileSync(file, 'utf8').trim();
    source = file;
  }
  if (apiKey && (await store.findIntegrationByKeyHash(await sha256Hex(apiKey)))) return { apiKey, source };
  const created = await createIntegration(store, 'Development', { audiences, virtualCameraPolicy, referenceImageDays, ...(apiKey ? { apiKey } : {}) });
  if (!envKey) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${created.apiKey}\n`, { mode: 0o600 });
    source = file;
  }
  return { apiKey: created.apiKey, source };
}
