/**
 * Reference images, opt-in per integration: a passed check's image is kept for the retention period
 * and shown to the session's viewers and its hiring system; without the opt-in nothing is kept.
 * The passing trace is real: recorded from footage and played for the drawn plan by the offline actor.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent, StartAttemptResponse, Trace } from '@liveproof/protocol';
import { loadManifest, offlineScript, readServerSentEvents, runOffline } from '@liveproof/test-media';
import { createHarness, neutralTrace, type Harness } from './test-harness.ts';

/** A few bytes that start like a JPEG: the server keeps images as they come and only checks that. */
const IMAGE = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 2, 3, 4, 5, 0xff, 0xd9]);
const image = { type: 'image/jpeg' as const, data: btoa(String.fromCharCode(...IMAGE)) };

async function cooperativeTrace(plan: StartAttemptResponse['plan']): Promise<Trace> {
  return runOffline(plan, await offlineScript(await loadManifest(), [450, 600, 750])).trace;
}

async function checkWithImage(h: Harness, pass: boolean) {
  const session = await h.createSession();
  const page = await h.page(session.clientToken);
  const start = (await page.start(session.id)).json;
  const trace = pass ? await cooperativeTrace(start.plan) : neutralTrace(start.plan.challenges);
  h.clock.advance(Math.ceil(trace.frames.at(-1)!.t) + 500);
  const viewer = (await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` })).json.viewerToken as string;
  const stream = readServerSentEvents(await h.app.request(`/v1/sessions/${session.id}/events?access_token=${viewer}`));
  await stream.next(); // snapshot
  const result = await page.submit(start.attemptId, await page.sign({ ...page.payload(start, trace), referenceImage: image }));
  const completed = (await stream.next()).data as Extract<SessionEvent, { type: 'attempt.completed' }>;
  await stream.cancel();
  const get = (token: string) => h.app.request(`/v1/attempts/${start.attemptId}/reference-image`, { headers: { authorization: `Bearer ${token}` } });
  return { session, start, result, completed, viewer, get };
}

describe('reference images', () => {
  it('keeps the image of a passed check for the retention period, for the session viewers and the hiring system', async () => {
    const h = await createHarness({}, { referenceImageDays: 30 });
    const { start, result, completed, viewer, get } = await checkWithImage(h, true);
    expect(start.plan.referenceImage).toBe(true);
    expect(result.json.result).toBe('pass');
    expect(completed.referenceImage).toBe(true);
    for (const token of [viewer, h.apiKey]) {
      const response = await get(token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(IMAGE);
    }
    // Not for the candidate's own client token, nor another session's viewer.
    const other = await h.createSession();
    const otherViewer = (await h.api('POST', `/v1/sessions/${other.id}/viewer-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` })).json.viewerToken as string;
    expect((await get(otherViewer)).status).toBe(404);
    expect((await get(other.clientToken)).status).toBe(404);
    // Purged after 30 days.
    h.clock.advance(30 * 24 * 3600 * 1000);
    expect((await get(h.apiKey)).status).toBe(404);
    expect(await h.store.purgeReferenceImages(h.clock.now())).toBe(1);
  });

  it('keeps nothing for a failed check', async () => {
    const h = await createHarness({}, { referenceImageDays: 30 });
    const { result, completed, get } = await checkWithImage(h, false);
    expect(result.json.result).toBe('fail');
    expect(completed.referenceImage).toBe(false);
    expect((await get(h.apiKey)).status).toBe(404);
  });

  it('without the opt-in, the plan asks for no image, and one sent anyway is dropped', async () => {
    const h = await createHarness();
    const { start, result, completed, get } = await checkWithImage(h, true);
    expect(start.plan.referenceImage).toBeUndefined();
    expect(result.json.result).toBe('pass');
    expect(completed.referenceImage).toBe(false);
    expect((await get(h.apiKey)).status).toBe(404);
  });
});
