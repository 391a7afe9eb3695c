/** The server's random draw of challenges for a plan. */
import { CHALLENGE_IDS, type ChallengeId } from '@liveproof/protocol';
import { cryptoRandom, randomInt, type RandomSource } from './ids.ts';

/** `count` distinct challenges in random order (Fisher-Yates over the catalogue). */
export function drawChallenges(count: number, random: RandomSource = cryptoRandom): ChallengeId[] {
  const pool = [...CHALLENGE_IDS];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = randomInt(i + 1, random);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(count, pool.length));
}
