/**
 * `pnpm eval`: presentation attack detection figures (ISO/IEC 30107-3) for the built product.
 *
 *   pnpm eval [--media DIR] [--manifest FILE] [--per-type 50] [--bona-fide 100]
 *             [--types bona_fide,photo_still,...] [--conditions light,no_light] [--seed 1]
 *             [--out test-results/eval] [--sample]
 *
 * Every browser presentation runs through the built element in headless Chromium against the
 * built server; forged evidence comes from a scripted client over HTTP. Prints the Markdown report
 * and writes it, with the JSON of every presentation, to --out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toMarkdown } from '../src/eval-report.ts';
import { runEvaluation } from '../src/evaluation.ts';
import { MANIFEST_PATH, REPO_ROOT, SHARED_MEDIA_DIR, loadManifest } from '@liveproof/test-media';
import { PRESENTATION_TYPES, type PresentationType } from '../src/presentations.ts';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: SHARED_MEDIA_DIR },
    manifest: { type: 'string', default: MANIFEST_PATH },
    'per-type': { type: 'string', default: '50' },
    'bona-fide': { type: 'string', default: '100' },
    types: { type: 'string', default: PRESENTATION_TYPES.join(',') },
    conditions: { type: 'string', default: 'light,no_light' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: join(REPO_ROOT, 'test-results', 'eval') },
    sample: { type: 'boolean', default: false },
  },
});

const types = values.types!.split(',').map((t) => t.trim()) as PresentationType[];
for (const type of types) if (!PRESENTATION_TYPES.includes(type)) throw new Error(`unknown presentation type ${type}; known: ${PRESENTATION_TYPES.join(', ')}`);
const conditions = values.conditions!.split(',').map((c) => c.trim()) as ('light' | 'no_light')[];
for (const condition of conditions) if (condition !== 'light' && condition !== 'no_light') throw new Error(`unknown condition ${condition}; known: light, no_light`);

const report = await runEvaluation({
  manifest: await loadManifest(resolve(values.manifest!)),
  mediaDir: resolve(values.media!),
  perType: values.sample ? 1 : Number(values['per-type']),
  bonaFide: values.sample ? 2 : Number(values['bona-fide']),
  types,
  conditions,
  seed: Number(values.seed),
  log: (line) => console.log(line),
});

const markdown = toMarkdown(report);
mkdirSync(values.out!, { recursive: true });
writeFileSync(join(values.out!, 'report.md'), markdown);
writeFileSync(join(values.out!, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${markdown}\nwritten to ${values.out}/report.md and report.json`);
