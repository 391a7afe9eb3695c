/**
 * The high-assurance draw over HTTP: the moments come only after a commitment the attempt key
 * signed, once per attempt; a retry of the same commitment gets the same moments, another
 * commitment none; a plan without high assurance offers none; the integration's policy reaches the
 * plan, the client token (for the candidate's notice) and the plan drawn without excluded challenges.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt, generateKeyPair } from 'jose';
import type { FrameCommitment, FrameRequestResponse, Trace } from '@liveproof/protocol';
import { createHarness, neutralTrace, type ApiJson } from '../../testing/harness.ts';
import { traceDigest } from '../faces.ts';

function commitmentOf(trace: Trace): FrameCommitment {
  return { traceDigest: traceDigest(trace), steps: trace.steps, span: [trace.frames[0]!.t, trace.frames.at(-1)!.t], frameCount: trace.frames.length };
}

async function started(policy: 'off' | 'on' | 'required') {
  const h = await createHarness({}, { integration: { highAssurance: policy, excludedChallenges: ['blink', 'smile'] } });
  const session = await h.createSession();
  const page = await h.page(session.clientToken);
  const start = await page.start(session.id);
  expect(start.status).toBe(201);
  const commit = async (trace: Trace, key = page.privateKey) => {
    const response = await h.api('POST', `/v1/attempts/${start.json.attemptId}/frames`, {
      commitment: await page.sign({ v: 1, attemptId: start.json.attemptId, nonce: start.json.plan.nonce, commitment: commitmentOf(trace) }, key),
    });
    return response as { status: number; json: FrameRequestResponse & ApiJson };
  };
  return { h, session, page, start: start.json, commit };
}

describe('frame requests', () => {
  it('draws the moments once the trace is committed, and the same ones again for the same commitment', async () => {
    const { h, session, start, commit } = await started('required');
    expect(start.plan.highAssurance).toBe('required');
    expect(decodeJwt(session.clientToken).ha).toBe('required');
    // The integration left the blink and the smile out: no plan draws them.
    expect(start.plan.challenges).not.toContain('blink');
    expect(start.plan.challenges).not.toContain('smile');
    const trace = neutralTrace(start.plan.challenges);
    const first = await commit(trace);
    expect(first.status).toBe(200);
    const kinds = first.json.moments.map((m) => m.kind);
    expect(kinds.filter((k) => k === 'baseline')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'action')).toHaveLength(start.plan.challenges.filter((c) => c !== 'light').length);
    expect(kinds).toContain('random');
    for (const moment of first.json.moments) expect(moment.t).toBeGreaterThanOrEqual(trace.frames[0]!.t);
    expect((await commit(trace)).json.moments).toEqual(first.json.moments);
    expect((await h.store.getAttempt(start.attemptId))!.frameRequest).toMatchObject({ commitment: commitmentOf(trace), moments: first.json.moments });
    // A better trace after seeing the moments: refused.
    const other = await commit(neutralTrace(start.plan.challenges, 6500));
    expect(other).toMatchObject({ status: 409, json: { error: { code: 'frames_not_available' } } });
  });

  it('refuses a commitment not signed by the attempt key, and offers nothing to a plan without high assurance', async () => {
    const { commit, start } = await started('on');
    const stranger = (await generateKeyPair('ES256')).privateKey;
    expect(await commit(neutralTrace(start.plan.challenges), stranger)).toMatchObject({ status: 401, json: { error: { code: 'invalid_signature' } } });
    const off = await started('off');
    expect(off.start.plan.highAssurance).toBeUndefined();
    expect(decodeJwt(off.session.clientToken).ha).toBeUndefined();
    expect(await off.commit(neutralTrace(off.start.plan.challenges))).toMatchObject({ status: 409, json: { error: { code: 'frames_not_available' } } });
  });
});
