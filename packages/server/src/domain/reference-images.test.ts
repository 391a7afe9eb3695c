/**
 * Reference images, opt-in per integration: a passed check's image is kept for the retention period
 * and shown to the session's viewers and its hiring system; without the opt-in nothing is kept.
 * The passing trace is real: recorded from footage and played for the drawn plan by the offline actor.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent, StartAttemptResponse, Trace } from '@liveproof/protocol';
import { loadManifest, offlineScript, readServerSentEvents, runOffline } from '@liveproof/eval';
import { createHarness, neutralTrace, type Harness } from '../testing/harness.ts';

const segment = (marker: number, bytes: number[]) => [0xff, marker, (bytes.length + 2) >> 8, (bytes.length + 2) & 0xff, ...bytes];
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
/** SOF0 of a 64×48, one-component image. */
const SOF = segment(0xc0, [8, 0, 48, 0, 64, 1, 1, 0x11, 0]);
const SOS = segment(0xda, [1, 1, 0, 0, 0x3f, 0]);
const SCAN = [0x12, 0x34, 0xff, 0x00, 0x56];
/** A JPEG's structure with metadata a page might carry: an EXIF segment (APP1) and a comment. */
const SENT = Uint8Array.from([
  0xff, 0xd8,
  ...segment(0xe0, ascii('JFIF\0')),
  ...segment(0xe1, ascii('Exif\0\0GPS 48.85N 2.35E')),
  ...segment(0xfe, ascii('taken at home')),
  ...SOF, ...SOS, ...SCAN, 0xff, 0xd9,
]);
/** What the server keeps: the same image without the metadata. */
const KEPT = Uint8Array.from([0xff, 0xd8, ...segment(0xe0, ascii('JFIF\0')), ...SOF, ...SOS, ...SCAN, 0xff, 0xd9]);
const encode = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const image = { type: 'image/jpeg' as const, data: encode(SENT) };

async function cooperativeTrace(plan: StartAttemptResponse['plan']): Promise<Trace> {
  return runOffline(plan, await offlineScript(await loadManifest(), [450, 600, 750])).trace;
}

async function checkWithImage(h: Harness, pass: boolean, sent: { type: 'image/jpeg'; data: string } = image) {
  const session = await h.createSession();
  const page = await h.page(session.clientToken);
  const start = (await page.start(session.id)).json;
  const trace = pass ? await cooperativeTrace(start.plan) : neutralTrace(start.plan.challenges);
  h.clock.advance(Math.ceil(trace.frames.at(-1)!.t) + 500);
  const viewer = (await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` })).json.viewerToken as string;
  const stream = readServerSentEvents(await h.app.request(`/v1/sessions/${session.id}/events?access_token=${viewer}`));
  await stream.next(); // snapshot
  const result = await page.submit(start.attemptId, await page.sign({ ...page.payload(start, trace), referenceImage: sent }));
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
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(KEPT);
    }
    // Not for the candidate's own client token, nor another session's viewer.
    const other = await h.createSession();
    const otherViewer = (await h.api('POST', `/v1/sessions/${other.id}/viewer-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` })).json.viewerToken as string;
    expect((await get(otherViewer)).status).toBe(404);
    expect((await get(other.clientToken)).status).toBe(404);
    // Purged after 30 days.
    h.clock.advance(30 * 24 * 3600 * 1000);
    expect((await get(h.apiKey)).status).toBe(404);
    const { purgeExpired } = await import('./maintenance.ts');
    expect((await purgeExpired(h.deps)).referenceImages).toBe(1);
  });

  it('drops a malformed image with the reason, and still records the passed check', async () => {
    const h = await createHarness({}, { referenceImageDays: 30 });
    for (const [data, reason] of [
      ['A', 'not_base64'],
      [encode(Uint8Array.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9])), 'not_jpeg'],
      [encode(Uint8Array.from([0xff, 0xd8, ...segment(0xc0, [8, 0x03, 0x00, 0x03, 0x00, 1, 1, 0x11, 0]), ...SOS, 0xff, 0xd9])), 'too_large'],
    ] as const) {
      const { result, completed, get, start } = await checkWithImage(h, true, { type: 'image/jpeg', data });
      expect([result.status, result.json.result], reason).toEqual([200, 'pass']);
      expect(completed.referenceImage).toBe(false);
      expect((await get(h.apiKey)).status).toBe(404);
      expect((await h.store.getAttempt(start.attemptId))!.diagnostics).toEqual({ referenceImage: { dropped: reason } });
    }
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
