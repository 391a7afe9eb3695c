/**
 * High assurance, end to end: the shipped server, an integration switched to `required` through the
 * admin API, the real element in Chromium with the one-person actor (real footage of one man), the
 * face model on the server in its worker threads. The candidate is told before starting that a few
 * face images will be sent; the server draws the moments after the element committed to its trace,
 * measures the crops itself and says so in the token. A scripted client that sends a passing trace
 * without crops (today's careful forger) fails with `frames_required`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  ONE_PERSON_ACTOR,
  attemptKey,
  createSession,
  events,
  getSession,
  installActor,
  launchBrowser,
  loadManifest,
  offlineScript,
  recordEvents,
  resolveScript,
  resultPayload,
  runOffline,
  screenshot,
  signCompact,
  startServer,
  updateDevIntegration,
  waitForPass,
  type RunningServer,
} from '@liveproof/eval';
import type { StartAttemptResponse } from '@liveproof/protocol';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  // What a hiring team does in the administration: high assurance required, crops kept a day for
  // its reviewers, and no blink or open mouth in the plans (the shared footage has no one person who
  // does every action: the one-person actor cannot blink, and opens his mouth only while looking up).
  const updated = await updateDevIntegration(server, { highAssurance: 'required', frameEvidenceDays: 1, excludedChallenges: ['blink', 'open_mouth'] });
  expect(updated).toMatchObject({ highAssurance: 'required', frameEvidenceDays: 1, excludedChallenges: ['blink', 'open_mouth'] });
});

afterAll(async () => {
  await server?.stop();
});

describe('high assurance', () => {
  it('tells the candidate, sends the crops the server asks for, and the server checks the face itself', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await recordEvents(page);
      await installActor(page, { ...resolveScript(await loadManifest(), ONE_PERSON_ACTOR), delayMs: [300, 900] });
      const session = await createSession(server, { audience: 'dev-ats' });
      await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
      const notice = page.locator('liveproof-check [data-high-assurance]');
      await expect.poll(() => notice.count()).toBe(1);
      expect(await notice.innerText()).toMatch(/face images are sent/i);
      await screenshot(page, 'high-assurance-notice');
      await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
      const { outcome, outcomes } = await waitForPass(page, { tries: 3 });
      await screenshot(page, 'high-assurance-passed');
      const detail = outcome.detail as { result: string; token: string; reasons: string[] };
      const record = await getSession(server, session.id);
      const attempts = record.attempts as { faces?: { frames: number; checks: string[]; failed: string[] }; reasons: string[] }[];
      expect(detail.result, JSON.stringify({ outcomes: outcomes.map((o) => o.detail), attempts })).toBe('pass');
      // The server measured every crop it asked for, with every check, and all of them agreed.
      const faces = decodeJwt(detail.token).faces as { policy: string; frames: number; checks: string[]; failed: string[] };
      expect(faces).toMatchObject({ policy: 'required', failed: [] });
      expect(faces.frames).toBeGreaterThanOrEqual(5);
      expect(faces.checks).toEqual(expect.arrayContaining(['present', 'pose', 'expression', 'one_person']));
      expect(attempts.at(-1)!.faces).toEqual(faces);
      // The integration keeps the crops a day: its reviewers see them with what the server measured in each.
      const attemptId = decodeJwt(detail.token).jti as string;
      const kept = await fetch(`${server.url}/v1/admin/attempts/${attemptId}/frames`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      expect(kept.status).toBe(200);
      const evidence = (await kept.json()) as { crops: { t: number; kind: string; data: string; measured: { faces: number } | null }[] };
      expect(evidence.crops).toHaveLength(faces.frames);
      for (const crop of evidence.crops) {
        expect(Buffer.from(crop.data, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
        expect(crop.measured?.faces).toBeGreaterThanOrEqual(1);
      }
      expect(await page.locator('liveproof-check .outcome').innerText()).toMatch(/\d+ small face images were checked by the server/);
      expect((await events(page)).some((e) => e.type === 'liveproof-complete')).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('fails a passing trace sent without crops (a scripted client): frames_required, on record', async () => {
    const session = await createSession(server, { audience: 'dev-ats' });
    const key = attemptKey();
    const started = await fetch(`${server.url}/v1/sessions/${session.id}/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.clientToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: key.publicJwk, lightOptOut: true }),
    }).then((r) => r.json() as Promise<StartAttemptResponse>);
    expect(started.plan.highAssurance).toBe('required');
    // A trace that passes the plan: the offline actor's, from traces recorded off the same footage.
    const script = await offlineScript(await loadManifest(), [520, 610, 700, 480], ONE_PERSON_ACTOR);
    const run = runOffline({ challenges: started.plan.challenges, stepTimeoutMs: started.plan.stepTimeoutMs }, { ...script, roundTripMs: 1 });
    expect(run.outcome).toBe('completed');
    // Sent no sooner than the trace's span after the start, as a real check would be.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, run.trace.frames.at(-1)!.t) + 200));
    const response = await fetch(`${server.url}/v1/attempts/${started.attemptId}/result`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result: signCompact(resultPayload(started, run.trace), key.privateKey) }),
    });
    const body = (await response.json()) as { result: string; reasons: string[] };
    expect(body.result).toBe('fail');
    expect(body.reasons).toEqual(['frames_required']);
    const attempt = (await getSession(server, session.id)).attempts.at(-1) as { reasons: string[]; faces: unknown };
    expect(attempt).toMatchObject({ reasons: ['frames_required'], faces: { policy: 'required', frames: 0, checks: [], failed: [] } });
  });
});
