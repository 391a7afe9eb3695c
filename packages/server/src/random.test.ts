import { describe, expect, it } from 'vitest';
import { drawChallenges } from './domain/plan.ts';
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
});
