/**
 * Defects the fuzz tests found, one test each over both stores, kept as regression tests now that
 * they are fixed. Each comment says what was wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSessions } from '../domain/maintenance.ts';
import { neutralTrace } from '../testing/harness.ts';
import { postgresTarget, sqliteTarget, type StoreTarget } from './targets.ts';
import { createWorld, type World } from './world.ts';

const UNSAFE = ['a\u0000b', 'x\ud800y'];

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
] as [string, () => StoreTarget][])('defects found by fuzzing, over %s', (_name, makeTarget) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(makeTarget());
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await world?.target.dispose();
  });
  const admin = () => ({ authorization: `Bearer ${world.h.adminKey}` });
  const hiring = () => ({ authorization: `Bearer ${world.main.apiKey}` });

  // http/routes/hiring/webhooks.ts `createEndpointSchema.url` is any string up to 2000 characters:
  // SQLite stores a NUL in it; PostgreSQL refuses NUL in text and a lone surrogate in the jsonb
  // audit row (`detail.url`), and the request fails with 500.
  it('refuses NUL and lone surrogates in a webhook URL as invalid_request', async () => {
    for (const bad of UNSAFE) {
      const own = await world.h.api('POST', '/v1/webhooks', { url: `https://hooks.example.com/${bad}` }, hiring());
      expect([own.status, own.json.error?.code]).toEqual([400, 'invalid_request']);
      const byAdmin = await world.h.api('POST', `/v1/admin/integrations/${world.victim.integrationId}/webhooks`, { url: `https://hooks.example.com/${bad}` }, admin());
      expect([byAdmin.status, byAdmin.json.error?.code]).toEqual([400, 'invalid_request']);
    }
  });

  // http/routes/admin.ts `text()` (line 23) and the `label` fields (lines 56, 61, 83) have no
  // control-character or surrogate rule, unlike every text field of the protocol's schemas.
  it('refuses NUL and lone surrogates in integration names and key labels as invalid_request', async () => {
    for (const bad of UNSAFE) {
      const requests: [string, string, unknown][] = [
        ['POST', '/v1/admin/integrations', { name: bad, audiences: [`fresh-${bad.length}-${Math.random()}`.replace(/[^a-z0-9.-]/g, '')] }],
        ['PATCH', `/v1/admin/integrations/${world.victim.integrationId}`, { name: bad }],
        ['POST', '/v1/admin/admin-keys', { label: bad }],
        ['POST', `/v1/admin/integrations/${world.victim.integrationId}/api-keys/rotate`, { label: bad, overlapSeconds: 0 }],
      ];
      for (const [method, path, body] of requests) {
        const answer = await world.h.api(method, path, body, admin());
        expect([method, path, answer.status, answer.json.error?.code]).toEqual([method, path, 400, 'invalid_request']);
      }
    }
  });

  // http/routes/hiring/records.ts line 18: `ref` of the list filters is any string, so a NUL goes
  // to PostgreSQL as a query parameter, which refuses it (500). No session can have such a
  // reference (`createSessionSchema` refuses it), so the filter can be refused the same way.
  it('answers a list filter with a NUL without a 5xx', async () => {
    for (const path of ['/v1/sessions?candidateRef=a%00b', '/v1/attempts?interviewRef=a%00b']) {
      expect((await world.h.api('GET', path, undefined, hiring())).status, path).toBeLessThan(500);
    }
    expect((await world.h.api('GET', '/v1/admin/attempts?candidateRef=a%00b', undefined, admin())).status).toBeLessThan(500);
  });

  // domain/evidence.ts `boundedIssues` (line 99) keeps schema issues as zod wrote them, and zod
  // names an unknown key in its message; the attempt's `diagnostics` (jsonb) then holds a NUL or a
  // lone surrogate, PostgreSQL refuses the row, the answer is 500 and the signed result is lost
  // (the attempt stays open). Suggested: pass path and message through `printable()` (context.ts).
  it('records a signed result with a hostile unknown key as invalid_result', async () => {
    for (const bad of UNSAFE) {
      const { page, start } = await world.startedAttempt();
      const payload = { ...page.payload(start, neutralTrace(start.plan.challenges, 1000)), [bad]: bad };
      const answer = await page.submit(start.attemptId, await page.sign(payload));
      expect([answer.status, answer.json.error?.code]).toEqual([422, 'invalid_result']);
      expect((await world.h.store.getAttempt(start.attemptId))?.status).toBe('failed');
    }
  });

  // domain/sessions.ts `revokeViewerToken` (line 58) writes any token id against the caller's own
  // session, and `isTokenRevoked(jti)` (guards.ts line 148, access.ts line 59) ignores the
  // session: a hiring system revokes another integration's viewer token by its id, through a
  // session of its own. (And, since `revoked_tokens.jti` is the key with ON CONFLICT DO NOTHING,
  // it can pre-empt the owner's own revocation record.) Suggested: key revocations by
  // (session_id, jti) and check `isTokenRevoked(jti, watcher.sessionId)`.
  // Revocations were keyed by token id alone. Now they belong to their session: revoking an id
  // through another session is answered like any revocation (as RFC 7009 answers for a token it does
  // not know) and does nothing to the real token, nor keeps its owner from revoking it.
  it("cannot revoke another integration's viewer token through a session of its own", async () => {
    const owner = { authorization: `Bearer ${world.other.apiKey}` };
    const created = await world.h.api('POST', `/v1/sessions/${world.other.sessionIds[0]}/viewer-tokens`, {}, owner);
    const { id, viewerToken } = created.json as { id: string; viewerToken: string };
    const summary = () => world.h.api('GET', `/v1/sessions/${world.other.sessionIds[0]}/summary`, undefined, { authorization: `Bearer ${viewerToken}` });
    expect((await summary()).status).toBe(200);
    const revoke = await world.h.api('POST', `/v1/sessions/${world.main.sessionIds[0]}/viewer-tokens/${id}/revoke`, undefined, hiring());
    expect(revoke.status).toBe(204);
    expect((await summary()).status).toBe(200);
    expect((await world.h.api('POST', `/v1/sessions/${world.other.sessionIds[0]}/viewer-tokens/${id}/revoke`, undefined, owner)).status).toBe(204);
    expect((await summary()).json.error?.code).toBe('unauthorized');
  });

  // domain/evidence.ts `evaluateResult` checks the deadline (`receivedAt > attempt.expiresAt`,
  // line 171) only for results: a signed stop is taken whenever it comes. An abandoned attempt
  // counts toward the limit; a stop does not (up to FREE_STOPS). So after the sweep has failed the
  // session and sent `session.failed`, a late stop turns the abandoned attempt into a free one: the
  // API then reports the session `open` with 0 attempts used, while its stored status (and the
  // webhook already sent) say `failed`, and no attempt can be started. Suggested: check the
  // deadline before the `purpose === 'stop'` branch and record a late stop as `attempt_expired`.
  it('refuses a signed stop after the attempt expired, so a failed session stays failed', async () => {
    const { sessionId, page, start } = await world.startedAttempt({ attemptLimit: 1 });
    world.h.clock.advance(Date.parse(start.plan.expiresAt) - world.h.clock.now() + 1_000);
    await sweepSessions(world.h.deps);
    expect((await world.h.store.getSession(sessionId))?.status).toBe('failed');
    const jws = await page.sign({ v: 1, attemptId: start.attemptId, nonce: start.plan.nonce, stop: 'flashing', sentAt: 0 });
    const stop = await world.h.api('POST', `/v1/attempts/${start.attemptId}/stop`, { result: jws });
    const view = await world.h.api('GET', `/v1/sessions/${sessionId}`, undefined, hiring());
    expect([stop.status, stop.json.error?.code, view.json.status, view.json.attemptsUsed]).toEqual([410, 'attempt_expired', 'failed', 1]);
  });
});
