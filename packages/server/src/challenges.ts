/** The server's random draw of a plan's challenges. */
import { CURRENT_THRESHOLDS, MOTION_CHALLENGE_IDS, lightSequence, type ChallengeId, type LightSpec } from '@liveproof/protocol';
import { cryptoRandom, randomInt, type RandomSource } from './ids.ts';

function shuffle<T>(items: T[], random: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1, random);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** `count` distinct movement challenges in random order (Fisher-Yates over the catalogue). */
export function drawChallenges(count: number, random: RandomSource = cryptoRandom): ChallengeId[] {
  return shuffle([...MOTION_CHALLENGE_IDS], random).slice(0, Math.min(count, MOTION_CHALLENGE_IDS.length));
}

export interface DrawnPlan {
  challenges: ChallengeId[];
  light?: LightSpec;
}

/**
 * A plan of `count` challenges. With the screen-light challenge, one of them is the light (at a
 * random place, with a random colour sequence); a candidate who opts out of flashing lights gets
 * one more movement challenge instead, so the plan is not weaker for it.
 */
export function drawPlan(count: number, options: { light: boolean; lightOptOut: boolean }, random: RandomSource = cryptoRandom): DrawnPlan {
  const settings = CURRENT_THRESHOLDS.light;
  if (!options.light || !settings) return { challenges: drawChallenges(count, random) };
  if (options.lightOptOut) return { challenges: drawChallenges(count + 1, random) };
  const challenges = shuffle([...drawChallenges(count - 1, random), 'light' as ChallengeId], random);
  const colours = lightSequence(settings.flashes, (bound) => randomInt(bound, random));
  return { challenges, light: { colours, flashMs: settings.flashMs } };
}
