/** Server configuration with the defaults a production deployment starts from. */

export interface RateLimitConfig {
  windowMs: number;
  /** Requests per window per client address on the page-facing endpoints. */
  clientLimit: number;
  /** Requests per window per client address on the hiring-system endpoints. */
  apiLimit: number;
}

export interface LiveproofConfig {
  /** Public base URL of this server: the `iss` of every token it signs. */
  issuer: string;
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
  maxBodyBytes: number;
  /** Origins allowed to call the page-facing endpoints from a browser, or '*' for any. */
  corsOrigins: readonly string[] | '*';
  rateLimit: RateLimitConfig | false;
  /** Take the client address from the last X-Forwarded-For entry (only behind one proxy you control). */
  trustProxy: boolean;
}

export const DEFAULT_CONFIG: Omit<LiveproofConfig, 'issuer'> = {
  clientTokenTtlSeconds: 15 * 60,
  viewerTokenTtlSeconds: 4 * 60 * 60,
  defaultAttemptLimit: 3,
  defaultChallengeCount: 3,
  defaultTokenTtlSeconds: 60 * 60,
  defaultSessionTtlSeconds: 24 * 60 * 60,
  stepTimeoutMs: 6000,
  lightChallenge: true,
  planSlackMs: 30_000,
  maxBodyBytes: 1_000_000,
  corsOrigins: '*',
  rateLimit: { windowMs: 60_000, clientLimit: 120, apiLimit: 1200 },
  trustProxy: false,
};

/** Tokens never outlive this, which bounds how long a retired signing key stays published. */
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;

export function resolveConfig(partial: Partial<LiveproofConfig> & { issuer: string }): LiveproofConfig {
  return { ...DEFAULT_CONFIG, ...partial, issuer: partial.issuer.replace(/\/+$/, '') };
}
