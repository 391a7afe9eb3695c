/**
 * The runnable server's settings, from the environment: every variable the README's configuration
 * table lists is read here and nowhere else, and a value that makes no sense stops the start with
 * a message that names the variable.
 */
import { join } from 'node:path';
import type { HighAssurancePolicy } from '@liveproof/protocol';
import type { LiveproofConfig, Policy } from '@liveproof/server';

export type Mode = 'development' | 'production';

export interface Settings {
  mode: Mode;
  port: number;
  host: string;
  /** The public URL (token issuer); in development it defaults to http://localhost:<port>. */
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  pgSchema: string | undefined;
  /** KEK text: current first, then previous ones (decrypt only). */
  keks: string[];
  demo: boolean;
  seed: string | undefined;
  scoringThreads: number | undefined;
  /** Threads measuring high-assurance face crops (undefined: as many as scoring; 0: the event loop). */
  faceThreads: number | undefined;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Where the IP lists are read from (`ipintel.ts` decides when unset). */
  ipintelDir: string | undefined;
  /** The ICE-lite responder: its UDP port (null: off) and the address browsers are told to reach it at. */
  ice: { port: number | null; host: string; address: string | undefined };
  dev: {
    apiKey: string | undefined;
    audiences: string[];
    origins: string[] | undefined;
    virtualCameraPolicy: Policy;
    referenceImageDays: number | null;
    highAssurance: HighAssurancePolicy;
    profileTurn: 'off' | 'on';
  };
  webhooks: { retryScheduleMs: number[] | undefined; pollMs: number | undefined; timeoutMs: number | undefined };
  config: Partial<Omit<LiveproofConfig, 'issuer'>>;
}

export class SettingsError extends Error {}

const list = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);

function number(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new SettingsError(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(value)}).`);
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!values.includes(value as T)) throw new SettingsError(`${name} must be one of ${values.join(', ')} (got ${JSON.stringify(value)}).`);
  return value as T;
}

export function readSettings(mode: Mode, env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = env.LIVEPROOF_DATA_DIR ?? join(env.INIT_CWD ?? process.cwd(), 'data');
  const seed = env.LIVEPROOF_SEED || undefined;
  if (seed && env.LIVEPROOF_EVALUATION !== '1') {
    throw new SettingsError('LIVEPROOF_SEED makes ids, nonces and challenge draws predictable: it is accepted only with LIVEPROOF_EVALUATION=1, for evaluation runs.');
  }
  if (seed && mode === 'production') throw new SettingsError('LIVEPROOF_SEED is for evaluation runs of the development server only.');
  const retry = env.LIVEPROOF_WEBHOOK_RETRY_MS ? list(env.LIVEPROOF_WEBHOOK_RETRY_MS).map(Number) : undefined;
  if (retry?.some((ms) => !Number.isFinite(ms) || ms < 0)) throw new SettingsError('LIVEPROOF_WEBHOOK_RETRY_MS: comma-separated milliseconds, e.g. 5000,300000');
  const rateLimit = env.LIVEPROOF_RATE_LIMIT;
  if (rateLimit !== undefined && rateLimit !== '' && rateLimit !== 'on' && rateLimit !== 'off') throw new SettingsError('LIVEPROOF_RATE_LIMIT must be on or off.');
  const clientTokenTtl = number(env, 'LIVEPROOF_CLIENT_TOKEN_TTL_SECONDS', 60, 3600);
  const retentionDays = number(env, 'LIVEPROOF_RETENTION_DAYS', 1, 3650);
  const evidenceDays = number(env, 'LIVEPROOF_EVIDENCE_RETENTION_DAYS', 1, 3650);
  const linkWindowDays = number(env, 'LIVEPROOF_LINK_WINDOW_DAYS', 1, 3650);
  const maxEndpoints = number(env, 'LIVEPROOF_MAX_WEBHOOK_ENDPOINTS', 1, 100);
  const referenceImageDays = number(env, 'LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS', 1, 365);
  const demo = env.LIVEPROOF_DEMO === undefined || env.LIVEPROOF_DEMO === '' ? mode === 'development' : env.LIVEPROOF_DEMO !== 'off';
  return {
    mode,
    port: number(env, 'PORT', 0, 65535) ?? 8787,
    host: env.HOST ?? '0.0.0.0',
    publicUrl: env.LIVEPROOF_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.LIVEPROOF_PG_SCHEMA || undefined,
    keks: [env.LIVEPROOF_KEK, ...list(env.LIVEPROOF_KEK_PREVIOUS)].filter((k): k is string => Boolean(k)),
    demo,
    seed,
    scoringThreads: number(env, 'LIVEPROOF_SCORING_THREADS', 0, 64),
    faceThreads: number(env, 'LIVEPROOF_FACE_THREADS', 0, 64),
    sqliteSynchronous: oneOf(env, 'LIVEPROOF_SQLITE_SYNCHRONOUS', ['NORMAL', 'FULL'] as const, 'NORMAL'),
    ipintelDir: env.LIVEPROOF_IPINTEL_DIR || undefined,
    ice: {
      port: env.LIVEPROOF_ICE_PORT === 'off' ? null : (number(env, 'LIVEPROOF_ICE_PORT', 0, 65535) ?? 3478),
      host: env.LIVEPROOF_ICE_HOST ?? env.HOST ?? '0.0.0.0',
      address: env.LIVEPROOF_ICE_ADDRESS || undefined,
    },
    dev: {
      apiKey: env.LIVEPROOF_API_KEY || undefined,
      audiences: list(env.LIVEPROOF_DEV_AUDIENCES),
      origins: env.LIVEPROOF_CORS_ORIGINS ? list(env.LIVEPROOF_CORS_ORIGINS) : undefined,
      virtualCameraPolicy: oneOf(env, 'LIVEPROOF_DEV_VIRTUAL_CAMERA_POLICY', ['flag', 'reject'] as const, 'flag'),
      referenceImageDays: referenceImageDays ?? null,
      highAssurance: oneOf(env, 'LIVEPROOF_DEV_HIGH_ASSURANCE', ['off', 'on', 'required'] as const, 'off'),
      profileTurn: oneOf(env, 'LIVEPROOF_DEV_PROFILE_TURN', ['off', 'on'] as const, 'off'),
    },
    webhooks: { retryScheduleMs: retry, pollMs: number(env, 'LIVEPROOF_WEBHOOK_POLL_MS', 10, 60_000), timeoutMs: number(env, 'LIVEPROOF_WEBHOOK_TIMEOUT_MS', 100, 60_000) },
    config: {
      mode,
      trustProxy: env.LIVEPROOF_TRUST_PROXY === '1',
      ...(env.LIVEPROOF_TCP_RTT_HEADER ? { tcpRttHeader: env.LIVEPROOF_TCP_RTT_HEADER.trim().toLowerCase() } : {}),
      ...(rateLimit === 'off' ? { rateLimit: false as const } : {}),
      ...(clientTokenTtl ? { clientTokenTtlSeconds: clientTokenTtl } : {}),
      ...(retentionDays ? { retentionDays } : {}),
      ...(evidenceDays ? { evidenceRetentionDays: evidenceDays } : {}),
      ...(linkWindowDays ? { linkWindowDays } : {}),
      ...(maxEndpoints ? { maxWebhookEndpoints: maxEndpoints } : {}),
      ...(env.LIVEPROOF_WEBHOOKS_ALLOW_PRIVATE === '1' ? { webhooksAllowPrivate: true } : {}),
    },
  };
}
