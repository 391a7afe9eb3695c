/**
 * The same person from the check to the call, over HTTP with the real face model: a high-assurance
 * check by one man (a trace spliced from his footage, the crops cut from the very frames), then the
 * interviewer's re-checks. A re-check whose crops show him again keeps the session's face; one whose
 * crops show someone else raises `face_changed`, in the answer, the token and the review case. The
 * check's embeddings live only as long as the session, and never in a token.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { traceDigestInput, type FrameRequestResponse, type ResultFrame, type StartAttemptResponse } from '@liveproof/protocol';
import { ONE_PERSON_ACTOR, cropsFor, loadManifest, offlineScript, otherPersonSwap, runOffline, type FrameSource } from '@liveproof/test-media';
import { createHarness, type ApiJson, type Harness } from '../testing/harness.ts';

type Page = Awaited<ReturnType<Harness['page']>>;

/** One attempt as a high-assurance page makes it: the splice, the commitment, the crops, the signed result. */
async function attempt(h: Harness, page: Page, sessionId: string, extra: Record<string, unknown>, swap?: (s: FrameSource) => FrameSource) {
  const start = await page.start(sessionId, undefined, { lightOptOut: true, ...extra });
  expect(start.status, JSON.stringify(start.json)).toBe(201);
  const plan = (start.json as StartAttemptResponse).plan;
  const script = await offlineScript(await loadManifest(), [480, 560, 640, 520], ONE_PERSON_ACTOR);
  const run = runOffline({ challenges: plan.challenges, stepTimeoutMs: plan.stepTimeoutMs }, { ...script, roundTripMs: 1 });
  expect(run.outcome).toBe('completed');
  const { trace } = run;
  const commitment = {
    traceDigest: createHash('sha256').update(traceDigestInput(trace)).digest('base64url'),
    steps: trace.steps,
    span: [trace.frames[0]!.t, trace.frames.at(-1)!.t] as [number, number],
    frameCount: trace.frames.length,
  };
  const drawn = await h.api('POST', `/v1/attempts/${start.json.attemptId}/frames`, { commitment: await page.sign({ v: 1, attemptId: start.json.attemptId, nonce: plan.nonce, commitment }) });
  expect(drawn.status).toBe(200);
  const frames: ResultFrame[] = await cropsFor(trace, run.sources, (drawn.json as unknown as FrameRequestResponse).moments, swap ? { swap } : {});
  h.clock.advance(Math.ceil(trace.frames.at(-1)!.t) + 500);
  const result = await page.submit(start.json.attemptId as string, await page.sign({ ...page.payload(start.json as StartAttemptResponse, trace), frames }));
  expect(result.status, JSON.stringify(result.json)).toBe(200);
  return result.json as ApiJson & { result: string; reasons: string[]; signals: string[]; token: string };
}

describe('the same person from the check to the call', () => {
  it("compares every re-check's face with the passed check's: face_changed for another person, on record and in the token", async () => {
    const h = await createHarness({}, { integration: { highAssurance: 'required', excludedChallenges: ['blink', 'open_mouth'] } });
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const session = await h.createSession();
    const page = await h.page(session.clientToken);

    const check = await attempt(h, page, session.id, {});
    expect(check).toMatchObject({ result: 'pass', reasons: [] });
    const kept = await h.store.getSessionFace(session.id, h.clock.now());
    expect(kept?.embeddings.length).toBeGreaterThan(0);
    // Embeddings are never in a token.
    expect(JSON.stringify(decodeJwt(check.token))).not.toMatch(/embedding/);

    const viewer = await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, { recheck: true }, auth);
    const recheck = async (swap?: (s: FrameSource) => FrameSource) => {
      const asked = await h.api('POST', `/v1/sessions/${session.id}/rechecks`, undefined, { authorization: `Bearer ${viewer.json.viewerToken as string}` });
      expect(asked.status).toBe(201);
      return attempt(h, page, session.id, { recheckId: asked.json.recheckId }, swap);
    };

    const same = await recheck();
    expect(same).toMatchObject({ result: 'pass', reasons: [] });
    expect(same.signals).not.toContain('face_changed');
    const sameFaces = decodeJwt(same.token).faces as { continuity: { similarity: number; changed: boolean } };
    expect(sameFaces.continuity).toMatchObject({ changed: false });
    expect(sameFaces.continuity.similarity).toBeGreaterThanOrEqual(0.4);

    // Someone else at the camera: their crops disagree with the trace, and their face is not the check's.
    const other = await recheck(await otherPersonSwap());
    expect(other.signals).toContain('face_changed');
    const otherFaces = decodeJwt(other.token).faces as { continuity: { similarity: number; changed: boolean } };
    expect(otherFaces.continuity.changed).toBe(true);
    expect(otherFaces.continuity.similarity).toBeLessThan(0.4);
    // The review queue has the case, with the signal.
    const cases = await h.api('GET', '/v1/cases', undefined, auth);
    expect(JSON.stringify(cases.json)).toContain('face_changed');

    // The session's face goes when the session does.
    h.clock.advance(48 * 3600 * 1000);
    expect(await h.store.getSessionFace(session.id, h.clock.now())).toBeNull();
  }, 120_000);
});
