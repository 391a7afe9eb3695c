/** Server configuration with the defaults a production deployment starts from. */

export interface RateLimitConfig {
  windowMs: number;
  /** Requests per window per client address, for each group of routes. */
  page: number;
  viewer: number;
  hiring: number;
  admin: number;
}

export interface StreamLimits {
  /** Event streams open at once on one token. */
  perToken: number;
  /** Event streams open at once from one client address. */
  perAddress: number;
  /** Event streams open at once in this process. */
  perProcess: number;
  /** A comment this often keeps proxies from closing an idle stream; its deadline is checked as often. */
  keepAliveMs: number;
}

export interface LiveproofConfig {
  /** Public base URL of this server: the `iss` of every token it signs. */
  issuer: string;
  /**
   * `development` (the README's start): the development integration may accept any origin and
   * webhooks may go to plain http and private addresses. `production`: neither.
   */
  mode: 'development' | 'production';
  clientTokenTtlSeconds: number;
  /** Default lifetime of an interviewer's viewer token. */
  viewerTokenTtlSeconds: number;
  defaultAttemptLimit: number;
  defaultChallengeCount: number;
  defaultTokenTtlSeconds: number;
  defaultSessionTtlSeconds: number;
  /** How long a candidate has for each challenge. */
  stepTimeoutMs: number;
  /** Whether plans include the screen-light challenge (candidates may still opt out). */
  lightChallenge: boolean;
  /** Time beyond the steps' own deadlines before an attempt's plan expires. */
  planSlackMs: number;
  /** Largest request body, results aside (their limit follows from their plan). */
  maxBodyBytes: number;
  rateLimit: RateLimitConfig | false;
  /** Take the client address from the last X-Forwarded-For entry (only behind one proxy you control). */
  trustProxy: boolean;
  /**
   * The header in which that proxy passes the client connection's TCP round-trip time, in
   * microseconds (nginx: `$tcpinfo_rtt`; HAProxy: `%[fc_rtt(us)]`). Read only with `trustProxy`.
   */
  tcpRttHeader: string | null;
  /** Audit rows, refusal counts and finished webhook messages are deleted after this many days. */
  retentionDays: number;
  /** Attempt traces, addresses, user agents and device facts are cleared after this many days (verdicts stay). */
  evidenceRetentionDays: number;
  /** Links between candidates look back this many days; their keyed hashes are deleted after it. */
  linkWindowDays: number;
  streams: StreamLimits;
  /** Webhook endpoints per integration. */
  maxWebhookEndpoints: number;
  /** Let webhooks go to plain http and private or loopback addresses (always so in development). */
  webhooksAllowPrivate: boolean;
  /** How long an interviewer's re-check request waits for the candidate's element. */
  recheckTtlMs: number;
}

export const DEFAULT_CONFIG: Omit<LiveproofConfig, 'issuer'> = {
  mode: 'production',
  clientTokenTtlSeconds: 15 * 60,
  viewerTokenTtlSeconds: 4 * 60 * 60,
  defaultAttemptLimit: 3,
  defaultChallengeCount: 3,
  defaultTokenTtlSeconds: 60 * 60,
  defaultSessionTtlSeconds: 24 * 60 * 60,
  stepTimeoutMs: 6000,
  lightChallenge: true,
  planSlackMs: 30_000,
  maxBodyBytes: 64_000,
  rateLimit: { windowMs: 60_000, page: 120, viewer: 120, hiring: 1200, admin: 120 },
  trustProxy: false,
  tcpRttHeader: null,
  retentionDays: 90,
  evidenceRetentionDays: 30,
  linkWindowDays: 90,
  streams: { perToken: 3, perAddress: 20, perProcess: 2000, keepAliveMs: 15_000 },
  maxWebhookEndpoints: 10,
  webhooksAllowPrivate: false,
  recheckTtlMs: 2 * 60_000,
};

/** Tokens never outlive this, which bounds how long a retired signing key stays published. */
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;

export function resolveConfig(partial: Partial<LiveproofConfig> & { issuer: string }): LiveproofConfig {
  const config = { ...DEFAULT_CONFIG, ...partial, issuer: partial.issuer.replace(/\/+$/, '') };
  if (config.mode === 'development') config.webhooksAllowPrivate = true;
  return config;
}
