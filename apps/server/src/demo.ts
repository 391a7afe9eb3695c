/**
 * The demo's stand-in for a hiring system's backend: it creates check sessions with the development
 * API key (through the real API) and verifies the tokens the check yields with @liveproof/verify
 * against this server's published JWKS, over HTTP, as a hiring system would.
 */
import { Hono } from 'hono';
import { verifyLivenessToken } from '@liveproof/verify';
import { LiveproofError, type CreateSessionResponse } from '@liveproof/protocol';

export interface DemoOptions {
  /** Calls the API in-process, as an HTTP client would. */
  api: (path: string, init: RequestInit) => Promise<Response>;
  apiKey: string;
  issuer: string;
}

export const DEMO_AUDIENCE = 'demo-ats';

export function demoRoutes(options: DemoOptions) {
  const app = new Hono();

  app.post('/demo/api/session', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { candidateRef?: string; interviewRef?: string };
    const response = await options.api('/v1/sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        candidateRef: body.candidateRef || 'demo-candidate',
        interviewRef: body.interviewRef || 'demo-interview',
        audience: DEMO_AUDIENCE,
      }),
    });
    const session = (await response.json()) as CreateSessionResponse;
    return c.json({ sessionId: session.id, clientToken: session.clientToken, attemptLimit: session.attemptLimit }, response.status as 201);
  });

  // The interviewer's page: a viewer token for the badge, and the attempt history.
  app.post('/demo/api/viewer', async (c) => {
    const { sessionId } = (await c.req.json().catch(() => ({}))) as { sessionId?: string };
    if (!sessionId) throw new LiveproofError('invalid_request', 'Send { "sessionId": "..." }.');
    const response = await options.api(`/v1/sessions/${encodeURIComponent(sessionId)}/viewer-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recheck: true }),
    });
    if (!response.ok) return c.json(await response.json(), response.status as 404);
    const { viewerToken } = (await response.json()) as { viewerToken: string };
    return c.json({ viewerToken, issuer: options.issuer, audience: DEMO_AUDIENCE });
  });

  app.get('/demo/api/sessions/:id', async (c) => {
    const response = await options.api(`/v1/sessions/${encodeURIComponent(c.req.param('id'))}`, { headers: { authorization: `Bearer ${options.apiKey}` } });
    return c.json(await response.json(), response.status as 200);
  });

  // The admin page: the hiring system's lists, through the real API (filters passed as they are).
  for (const list of ['sessions', 'attempts'] as const) {
    app.get(`/demo/api/${list}`, async (c) => {
      const query = new URL(c.req.url).search;
      const response = await options.api(`/v1/${list}${query}`, { headers: { authorization: `Bearer ${options.apiKey}` } });
      return c.json(await response.json(), response.status as 200);
    });
  }

  app.post('/demo/api/verify', async (c) => {
    const { token } = (await c.req.json().catch(() => ({}))) as { token?: string };
    if (!token) throw new LiveproofError('invalid_request', 'Send { "token": "..." }.');
    try {
      const verified = await verifyLivenessToken(token, {
        issuer: options.issuer,
        audience: DEMO_AUDIENCE,
        jwks: new URL('/.well-known/jwks.json', options.issuer),
        acceptFailed: true,
      });
      return c.json({ valid: true, verified });
    } catch (error) {
      if (error instanceof LiveproofError) return c.json({ valid: false, code: error.code, message: error.message });
      throw error;
    }
  });

  return app;
}
