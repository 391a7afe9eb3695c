import { describe, expect, it } from 'vitest';
import { drawAttemptPlan, drawChallenges } from './domain/plan.ts';
import { newId, seededRandom } from './random.ts';

describe('seededRandom (evaluation runs only)', () => {
  it('repeats for the same seed and never repeats an id over a long run', () => {
    const a = seededRandom('run-1');
    const b = seededRandom('run-1');
    expect(newId('ses', a)).toBe(newId('ses', b));
    const random = seededRandom('run-2');
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(newId('att', random));
    expect(ids.size).toBe(100_000);
  });

  it('draws every plan of the catalogue about equally often', () => {
    const random = seededRandom('draws');
    const counts = new Map<string, number>();
    for (let i = 0; i < 12_000; i++) {
      const plan = drawChallenges(2, random).join(',');
      counts.set(plan, (counts.get(plan) ?? 0) + 1);
    }
    expect(counts.size).toBe(30); // 6 x 5 ordered pairs
    for (const count of counts.values()) expect(count).toBeGreaterThan(300);
  });

  it('with the profile turn, puts exactly one in checks and re-checks, on either side, at any place', () => {
    const random = seededRandom('profile');
    const places = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const kind = i % 2 === 0 ? 'check' : 'recheck';
      const { challenges } = drawAttemptPlan(kind, 3, { light: i % 3 !== 0, lightOptOut: false, profileTurn: true }, random);
      const at = challenges.findIndex((c) => c.startsWith('profile_'));
      expect(challenges.filter((c) => c.startsWith('profile_')), challenges.join(',')).toHaveLength(1);
      expect(new Set(challenges).size).toBe(challenges.length);
      const key = `${kind} ${challenges[at]} @${at}`;
      places.set(key, (places.get(key) ?? 0) + 1);
    }
    // Both sides, in every place of a three-step plan, for checks and re-checks alike.
    expect(places.size).toBe(2 * 2 * 3);
  });
});
