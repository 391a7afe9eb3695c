/**
 * One attempt as a high-assurance page makes it, for the HTTP tests with the real face model: a
 * trace spliced from the one-person footage by the offline actor, the commitment, the crops cut from
 * the very frames the server asks for (or another person's, through `swap`), the signed result.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { traceDigestInput, type FrameRequestResponse, type ResultFrame, type StartAttemptResponse } from '@liveproof/protocol';
import { ONE_PERSON_ACTOR, cropsFor, loadManifest, offlineScript, runOffline, type FrameSource } from '@liveproof/eval';
import type { ApiJson, Harness } from './harness.ts';

type Page = Awaited<ReturnType<Harness['page']>>;

export type AttemptAnswer = ApiJson & { result: string; reasons: string[]; signals: string[]; token: string };

export async function highAssuranceAttempt(h: Harness, page: Page, sessionId: string, extra: Record<string, unknown>, swap?: (s: FrameSource) => FrameSource): Promise<AttemptAnswer> {
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
  return result.json as AttemptAnswer;
}
