/**
 * axe-core in a real page: installed before the page's own scripts (through the browser's debugging
 * protocol, so a page's Content-Security-Policy neither blocks it nor has to be loosened for it), and
 * run over the whole document, open shadow roots included, on demand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  /** The rule, e.g. `color-contrast`. */
  id: string;
  impact: string;
  help: string;
  /** Where, as axe's selectors (shadow roots joined by ` >> `). */
  targets: string[];
}

/** Makes `window.axe` available in every document the page loads from now on. */
export async function installAxe(page: Page): Promise<void> {
  await page.addInitScript({ content: AXE_SOURCE });
}

/**
 * Every WCAG 2.2 A/AA rule and best practice axe knows, over the page as it is now. What the test
 * harness itself put in the page (the actor's hidden videos and canvas, marked `data-harness`) is
 * left out: no candidate's page has it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: object, options: object): Promise<AxeResults> } }).axe;
    const results = await axe.run({ exclude: [['[data-harness]']] }, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((node) => node.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' >> ')),
    }));
  });
}

/** One line per violation: `rule (impact, n nodes): help [first target]`. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact}, ${v.targets.length} node${v.targets.length === 1 ? '' : 's'}): ${v.help} [${v.targets[0] ?? ''}]`);
}
