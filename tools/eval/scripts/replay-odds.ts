/**
 * `pnpm replay-odds`: how often footage that ignores the prompts passes by chance, over thousands
 * of offline replays of every live clip (see src/replay-odds.ts).
 *
 *   pnpm replay-odds [--thresholds 2026-12.1] [--plans 30] [--offsets 8] [--seed 1]
 *
 * Each run is printed with and without the screen light, and, from thresholds 2026-12.1, again
 * with a profile turn in every plan.
 */
import { parseArgs } from 'node:util';
import { CURRENT_THRESHOLDS, thresholdsFor } from '@liveproof/protocol';
import { loadManifest } from '@liveproof/test-media';
import { replayOdds } from '../src/replay-odds.ts';

const { values } = parseArgs({
  options: {
    thresholds: { type: 'string', default: CURRENT_THRESHOLDS.version },
    plans: { type: 'string', default: '30' },
    offsets: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
  },
});
const thresholds = thresholdsFor(values.thresholds!);
if (!thresholds) throw new Error(`unknown thresholds version ${values.thresholds}`);
const manifest = await loadManifest();
const percent = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(2)}%`);

console.log(`Unresponsive replays of every live clip, thresholds ${thresholds.version}\n`);
const runs = (thresholds.profile ? [false, true] : [false]).flatMap((profileTurn) => [true, false].map((light) => ({ light, profileTurn })));
for (const { light, profileTurn } of runs) {
  const odds = await replayOdds({ manifest, thresholds, light, profileTurn, plans: Number(values.plans), offsets: Number(values.offsets), seed: Number(values.seed) });
  const kind = light ? 'With the screen light (light + 2 movements)' : 'Without it (4 movements, as after an opt-out)';
  console.log(`${kind}${profileTurn ? ', one of them a profile turn' : ''}: ${odds.accepted}/${odds.presentations} accepted (${percent(odds.accepted, odds.presentations)})`);
  for (const clip of odds.clips.filter((c) => c.accepted > 0)) console.log(`  ${clip.file}: ${clip.accepted}/${clip.presentations}`);
  const steps = Object.entries(odds.steps).map(([id, s]) => `${id} ${percent(s.passed, s.reached)} of ${s.reached}`);
  console.log(`  steps passed by chance: ${steps.join(', ')}\n`);
}
