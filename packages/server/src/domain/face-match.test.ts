/**
 * The cross-candidate face match, over HTTP with the real face model: an integration that opted in
 * (`faceMatchDays`), one man checked under two candidate references. The second check passes, and
 * carries `shared_face` with the first session named, for a reviewer to compare; the faces are kept
 * packed, never in a token, and go when the match is turned off or their days run out.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createHarness } from '../testing/harness.ts';
import { highAssuranceAttempt } from '../testing/high-assurance.ts';
import { FACE_RULES } from './faces.ts';
import { packEmbeddings, unpackEmbeddings } from './face-match.ts';

describe('the same face under another candidate reference', () => {
  it('packs embeddings as float32 and reads them back', () => {
    const embeddings = [[0.25, -0.5, 1], [0.125, 0, -1]];
    const { dimensions, bytes } = packEmbeddings(embeddings);
    expect(dimensions).toBe(3);
    expect(bytes.byteLength).toBe(24);
    expect(unpackEmbeddings(dimensions, bytes)).toEqual(embeddings);
  });

  it('flags shared_face for review (never a failure), names the other session, and forgets the faces when told', async () => {
    const h = await createHarness({}, { integration: { highAssurance: 'required', excludedChallenges: ['blink', 'open_mouth'], faceMatchDays: 30 } });
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const check = async (candidateRef: string) => {
      const session = await h.createSession({ candidateRef, interviewRef: `int-${candidateRef}` });
      return { session, answer: await highAssuranceAttempt(h, await h.page(session.clientToken), session.id, {}) };
    };

    const first = await check('persona-a');
    expect(first.answer).toMatchObject({ result: 'pass', reasons: [] });
    expect(first.answer.signals).not.toContain('shared_face');

    // The same man as another persona: still a pass, with the link for a person to weigh.
    const second = await check('persona-b');
    expect(second.answer).toMatchObject({ result: 'pass', reasons: [] });
    expect(second.answer.signals).toContain('shared_face');
    const claims = decodeJwt(second.answer.token) as { risk: { links: { signal: string; by: string; sessions: string[]; candidates: number; similarity: number }[] } };
    const link = claims.risk.links.find((l) => l.by === 'face')!;
    expect(link).toMatchObject({ signal: 'shared_face', sessions: [first.session.id], candidates: 1 });
    expect(link.similarity).toBeGreaterThanOrEqual(FACE_RULES.otherCandidate);
    // Embeddings are never in a token; the review queue has the case.
    expect(JSON.stringify(claims)).not.toMatch(/embedding/);
    const cases = await h.api('GET', '/v1/cases', undefined, auth);
    expect(JSON.stringify(cases.json)).toContain('shared_face');
    // Review only: an integration cannot make it fail a check.
    const admin = { authorization: `Bearer ${h.adminKey}` };
    const reject = await h.api('PATCH', `/v1/admin/integrations/${h.integrationId}`, { signalPolicies: { shared_face: 'reject' } }, admin);
    expect(reject.status).toBe(400);
    console.log(`shared_face: similarity ${link.similarity} (the match from ${FACE_RULES.otherCandidate})`);

    // Kept per session, and never matched against the candidate's own sessions.
    const now = h.clock.now();
    expect((await h.store.otherCandidateFaces(h.integrationId, 'persona-a', now, 10)).map((f) => f.sessionId)).toEqual([second.session.id]);
    expect((await h.store.otherCandidateFaces(h.integrationId, 'persona-c', now, 10)).map((f) => f.sessionId).sort()).toEqual([first.session.id, second.session.id].sort());

    // Turned off: the kept faces go at once, and a third persona links to nobody.
    const off = await h.api('PATCH', `/v1/admin/integrations/${h.integrationId}`, { faceMatchDays: null }, admin);
    expect(off.status).toBe(200);
    expect(off.json.integration ?? off.json).toMatchObject({ faceMatchDays: null });
    expect(await h.store.otherCandidateFaces(h.integrationId, 'persona-c', h.clock.now(), 10)).toEqual([]);
    const third = await check('persona-c');
    expect(third.answer.signals).not.toContain('shared_face');
  }, 180_000);

  it('keeps the faces only for the days the integration set', async () => {
    const h = await createHarness({}, { integration: { highAssurance: 'required', excludedChallenges: ['blink', 'open_mouth'], faceMatchDays: 1 } });
    const session = await h.createSession({ candidateRef: 'persona-a' });
    expect((await highAssuranceAttempt(h, await h.page(session.clientToken), session.id, {})).result).toBe('pass');
    expect(await h.store.otherCandidateFaces(h.integrationId, 'persona-z', h.clock.now(), 10)).toHaveLength(1);
    h.clock.advance(25 * 3600 * 1000);
    const purged = await h.store.purge({ now: h.clock.now(), recordsBefore: 0, evidenceBefore: 0, linksBefore: 0 });
    expect(purged.integrationFaces).toBe(1);
    expect(await h.store.otherCandidateFaces(h.integrationId, 'persona-z', h.clock.now(), 10)).toEqual([]);
  }, 120_000);
});
