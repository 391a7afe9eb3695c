/**
 * The same person from the check to the call, over HTTP with the real face model: a high-assurance
 * check by one man (a trace spliced from his footage, the crops cut from the very frames), then the
 * interviewer's re-checks. A re-check whose crops show him again keeps the session's face; one whose
 * crops show someone else raises `face_changed`, in the answer, the token and the review case. The
 * check's embeddings live only as long as the session, and never in a token.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { otherPersonSwap, type FrameSource } from '@liveproof/eval';
import { createHarness } from '../testing/harness.ts';
import { highAssuranceAttempt as attempt } from '../testing/high-assurance.ts';

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
