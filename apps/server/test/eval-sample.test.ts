/**
 * A small sample of the presentation attack evaluation (`pnpm eval` runs the full one), so that the
 * harness, the attack generators and the figures cannot rot: one presentation of each attack type
 * in each condition, two bona fide ones, all through the real element, Chromium and server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESENTATION_TYPES, REPO_ROOT, SHARED_MEDIA_DIR, isBonaFide, loadManifest, runEvaluation, toMarkdown } from '@liveproof/eval';

describe('the evaluation, on a small sample', () => {
  it('runs every presentation type and reports APCER and BPCER per type', async () => {
    const report = await runEvaluation({
      manifest: await loadManifest(),
      mediaDir: SHARED_MEDIA_DIR,
      perType: 1,
      bonaFide: 2,
      types: PRESENTATION_TYPES,
      conditions: ['light', 'no_light'],
      seed: 20261125,
    });
    const out = join(REPO_ROOT, 'test-results', 'eval-sample');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.md'), toMarkdown(report));
    writeFileSync(join(out, 'report.json'), JSON.stringify(report, null, 2));

    const row = (type: string, condition: string, policy = 'flag') => report.rows.find((r) => r.type === type && r.condition === condition && r.policy === policy);
    for (const type of PRESENTATION_TYPES) {
      for (const condition of ['light', 'no_light']) {
        const policy = type === 'virtual_camera' ? 'reject' : 'flag';
        expect(row(type, condition, policy), `${type} ${condition}`).toMatchObject({ presentations: isBonaFide(type) ? 2 : 1 });
      }
    }
    // Attacks the product claims to stop, in both conditions.
    // High assurance: a spliced trace without crops never passes where crops are required.
    for (const type of ['photo_still', 'photo_moved', 'replay', 'synthetic', 'virtual_camera', 'forgery_naive', 'ha_forgery_no_frames']) {
      for (const condition of ['light', 'no_light']) {
        const policy = type === 'virtual_camera' ? 'reject' : 'flag';
        expect(row(type, condition, policy)!.rate, `${type} ${condition}`).toBe(0);
      }
    }
    // Under the flag policy a virtual camera is not refused, but never passes with high assurance.
    for (const outcome of report.outcomes.filter((o) => o.type === 'virtual_camera' && o.policy === 'flag' && o.accepted)) {
      expect(outcome.assurance).toBe('reduced');
      expect(outcome.signals).toContain('virtual_camera');
    }
    // The cooperative actor passes at least three of its four checks, and fast.
    const bonaFide = report.outcomes.filter((o) => o.type === 'bona_fide');
    expect(bonaFide.filter((o) => o.accepted).length).toBeGreaterThanOrEqual(3);
    for (const o of bonaFide.filter((b) => b.accepted)) expect(o.timeToVerdictMs).toBeLessThan(10_000);
    // So does the one-person actor where crops are required, and the server's CPU per check is on record.
    const highAssurance = report.outcomes.filter((o) => o.type === 'ha_bona_fide');
    expect(highAssurance.filter((o) => o.accepted).length, JSON.stringify(highAssurance.map((o) => o.reasons))).toBeGreaterThanOrEqual(3);
    expect(report.serverCpu?.ha_bona_fide_light?.count ?? 0).toBeGreaterThan(0);
  }, 600_000);
});
