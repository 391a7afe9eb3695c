import { describe, expect, it } from 'vitest';
import { spokenHints } from './positioning.ts';

describe('spokenHints', () => {
  it('says a hint once it has held for the steady time, and once only', () => {
    const say = spokenHints(800);
    expect(say('no_face', 0)).toBeUndefined();
    expect(say('no_face', 799)).toBeUndefined();
    expect(say('no_face', 800)).toBe('no_face');
    expect(say('no_face', 2000)).toBeUndefined();
  });

  it('says nothing of a hint that flickers, and the steady one after it', () => {
    const say = spokenHints(800);
    const heard: (string | undefined)[] = [];
    for (let t = 0; t < 3000; t += 100) heard.push(say(t < 1500 ? (t % 200 ? 'move_closer' : 'hold_still') : 'centre', t));
    expect(heard.filter(Boolean)).toEqual(['centre']);
  });

  it('says a hint again after another one was said in between', () => {
    const say = spokenHints(500);
    const heard = [0, 600, 1000, 1600, 2000, 2600].map((t, i) => say(i < 2 ? 'move_back' : i < 4 ? 'centre' : 'move_back', t));
    expect(heard.filter(Boolean)).toEqual(['move_back', 'centre', 'move_back']);
  });
});
