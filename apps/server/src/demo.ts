/**
 * The demo's stand-in for a hiring system's backend. It runs as an integration of its own (the
 * demo integration: audience `demo-ats`, no API key), calls the same domain functions the API's
 * handlers call, and reaches only the sessions the same browser created: their ids travel in a
 * signed, HttpOnly cookie. It can never see another integration's data. Tokens the check yields
 * are verified with @liveproof/verify against this server's published JWKS, over HTTP, as a hiring
 * system would. The demo's admin page uses the admin API with an administrator's key instead.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { rateLimiter } from 'hono-rate-limiter';
import { LiveproofError } from '@liveproof/protocol';
import { clientTokenFor, createSession, sessionOfIntegration, sessionView, viewerTokenFor, type Deps, type IntegrationRecord } from '@liveproof/server';
import { verifyLivenessToken } from '@liveproof/verify';

export interface DemoOptions {
  deps: Deps;
  integration: IntegrationRecord;
  /** Audiences whose tokens the demo's verifier panel accepts (the demo's; in development also the development integration's). */
  audiences: string[];
  /** Where the demo's verifier fetches the JWKS (this server, over HTTP). */
  jwksUrl: string;
  /** The peer address, for the demo's own rate limit. */
  address: (c: Context) => string;
}

const COOKIE = 'liveproof_demo';
/** Sessions one browser keeps in its cookie (the newest). */
const MAX_SESSIONS = 20;

export function demoRoutes(options: DemoOptions) {
  const { deps, integration } = options;
  const app = new Hono();
  const secret = deps.sealer.derive('demo-cookie').then((bytes) => Buffer.from(bytes).toString('base64url'));

  app.use(
    '/demo/api/*',
    rateLimiter({
      windowMs: 60_000,
      limit: 60,
      standardHeaders: 'draft-7',
      keyGenerator: (c) => `demo:${options.address(c)}`,
      handler: () => {
        throw new LiveproofError('rate_limited', 'Too many demo requests; slow down and retry shortly.');
      },
    }),
  );

  async function mine(c: Context): Promise<string[]> {
    const value = await getSignedCookie(c, await secret, COOKIE);
    return typeof value === 'string' && value ? value.split('.').filter((id) => /^ses_[a-z0-9]{1,40}$/.test(id)) : [];
  }

  async function remember(c: Context, sessionId: string): Promise<void> {
    const ids = [...(await mine(c)).filter((id) => id !== sessionId), sessionId].slice(-MAX_SESSIONS);
    await setSignedCookie(c, COOKIE, ids.join('.'), await secret, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: deps.config.issuer.startsWith('https:'),
      path: '/demo',
      maxAge: 24 * 3600,
    });
  }

  /** A session this browser created; any other is unknown to it. */
  async function ownSession(c: Context, id: unknown) {
    if (typeof id !== 'string' || !(await mine(c)).includes(id)) throw new LiveproofError('session_not_found', 'No such session in this browser.');
    return sessionOfIntegration(deps.store, integration.id, id);
  }

  const body = async (c: Context) => (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && /^[\w .:-]{1,80}$/.test(value) ? value : fallback);

  app.post('/demo/api/session', async (c) => {
    const input = await body(c);
    const session = await createSession(deps, integration, {
      candidateRef: text(input.candidateRef, 'demo-candidate'),
      interviewRef: text(input.interviewRef, 'demo-interview'),
      audience: integration.audiences[0]!,
    });
    await remember(c, session.id);
    return c.json({ sessionId: session.id, clientToken: session.clientToken, clientTokenExpiresAt: session.clientTokenExpiresAt, attemptLimit: session.attemptLimit }, 201);
  });

  // The candidate's page asks for a fresh client token when its own is about to expire (interview mode).
  app.post('/demo/api/client-token', async (c) => {
    const session = await ownSession(c, (await body(c)).sessionId);
    return c.json(await clientTokenFor(deps, session), 201);
  });

  // The interviewer's page: a viewer token with the re-check right, for this browser's sessions.
  app.post('/demo/api/viewer', async (c) => {
    const session = await ownSession(c, (await body(c)).sessionId);
    const viewer = await viewerTokenFor(deps, session, { recheck: true });
    return c.json({ ...viewer, issuer: deps.config.issuer, audience: session.audience });
  });

  app.get('/demo/api/sessions/:id', async (c) => {
    const session = await ownSession(c, c.req.param('id'));
    return c.json(sessionView(session, await deps.store.listAttempts(session.id), deps.clock.now(), true));
  });

  app.post('/demo/api/verify', async (c) => {
    const { token } = await body(c);
    if (typeof token !== 'string' || token.length > 16_000) throw new LiveproofError('invalid_request', 'Send { "token": "..." }.');
    try {
      const verified = await verifyLivenessToken(token, {
        issuer: deps.config.issuer,
        audience: options.audiences,
        jwks: options.jwksUrl,
        acceptFailed: true,
        acceptRechecks: true,
      });
      return c.json({ valid: true, verified });
    } catch (error) {
      if (error instanceof LiveproofError) return c.json({ valid: false, code: error.code, message: error.message });
      throw error;
    }
  });

  return app;
}
