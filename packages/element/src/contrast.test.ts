import { describe, expect, it } from 'vitest';
import { LIGHT_COLOURS, LIGHT_RGB } from '@liveproof/protocol';
import { contrastRatio, readableOn } from './contrast.ts';

describe('text over the flashes', () => {
  it('meets 4.5:1 on every flash colour ("Press Esc to stop" included)', () => {
    for (const colour of LIGHT_COLOURS) {
      const text = readableOn(LIGHT_RGB[colour]) === '#000' ? ([0, 0, 0] as const) : ([255, 255, 255] as const);
      expect(contrastRatio(LIGHT_RGB[colour], text), colour).toBeGreaterThanOrEqual(4.5);
    }
    // White on pure red, as before, was 4.0:1.
    expect(contrastRatio([255, 0, 0], [255, 255, 255])).toBeCloseTo(4.0, 1);
    expect(readableOn(LIGHT_RGB.red)).toBe('#000');
  });
});
