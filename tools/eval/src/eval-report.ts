/**
 * Turning presentation outcomes into the figures of ISO/IEC 30107-3: per attack type, the attack
 * presentation classification error rate (APCER: the share of attack presentations accepted);
 * for bona fide presentations, the bona fide presentation classification error rate (BPCER: the
 * share rejected); each with its count, and the time bona fide candidates take to a verdict.
 */
import { isBonaFide, type PresentationType } from './presentations.ts';

export interface PresentationOutcome {
  id: string;
  type: PresentationType;
  condition: 'light' | 'no_light';
  /** The integration's virtual-camera policy the presentation ran under. */
  policy: 'flag' | 'reject';
  source: string;
  /** The check passed: for an attack, a classification error. */
  accepted: boolean;
  /** `pass`, `fail`, or the error code when the check ended in an error (e.g. positioning_timeout). */
  outcome: string;
  reasons: string[];
  signals: string[];
  assurance?: string;
  challenges: string[];
  /** Each step as the server scored it: `challenge:ok` or `challenge:reason`. */
  steps: string[];
  /** First prompt to verdict, in ms, when the check got that far. */
  timeToVerdictMs?: number;
  /** The server process's CPU time (all threads) from the first prompt to the verdict, for checks run one at a time. */
  serverCpuMs?: number;
  durationMs: number;
}

export interface RateRow {
  type: PresentationType;
  condition: 'light' | 'no_light';
  policy: 'flag' | 'reject';
  presentations: number;
  /**
   * Presentations that got no decision (the check never saw a usable face, or the harness failed):
   * for attacks, the attack presentation non-response rate (APNRR) counts them.
   */
  undecided: number;
  /** Accepted attacks, or rejected bona fide presentations, among the decided ones. */
  errors: number;
  /** APCER for attacks, BPCER for bona fide presentations, over decided presentations. */
  rate: number;
  metric: 'APCER' | 'BPCER';
  /** Of the accepted presentations, how many had reduced assurance. */
  acceptedWithReducedAssurance: number;
  topReasons: [string, number][];
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  max: number;
}

export interface EvaluationReport {
  startedAt: string;
  durationS: number;
  seed: number;
  machine: { node: string; cpus: number };
  rows: RateRow[];
  timeToVerdict: Record<string, Distribution>;
  /** Server CPU per accepted bona fide check, by type and condition (with and without high-assurance crops). */
  serverCpu?: Record<string, Distribution>;
  outcomes: PresentationOutcome[];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function distribution(values: number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1]! };
}

/** The check reached a verdict (pass or fail), rather than giving up before one. */
export function isDecided(outcome: PresentationOutcome): boolean {
  return outcome.outcome === 'pass' || outcome.outcome === 'fail';
}

/** Per attack type, the worse of its conditions: what an attacker who picks the easier one faces. */
export function worstByType(rows: readonly RateRow[]): { type: PresentationType; rate: number; condition: string; decided: number }[] {
  const worst = new Map<PresentationType, RateRow>();
  for (const row of rows) {
    if (row.metric !== 'APCER' || (row.type === 'virtual_camera' && row.policy === 'flag')) continue;
    const current = worst.get(row.type);
    if (!current || row.rate > current.rate) worst.set(row.type, row);
  }
  return [...worst.values()].map((r) => ({ type: r.type, rate: r.rate, condition: r.condition, decided: r.presentations - r.undecided }));
}

export function summarise(outcomes: readonly PresentationOutcome[]): Pick<EvaluationReport, 'rows' | 'timeToVerdict' | 'serverCpu'> {
  const groups = new Map<string, PresentationOutcome[]>();
  for (const outcome of outcomes) {
    const key = `${outcome.type}|${outcome.condition}|${outcome.policy}`;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const rows: RateRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const bonaFide = isBonaFide(first.type);
    // A bona fide presentation that never got a decision is still a genuine candidate turned away.
    const decided = bonaFide ? group.filter((o) => o.outcome !== 'harness_error') : group.filter(isDecided);
    const errors = decided.filter((o) => (bonaFide ? !o.accepted : o.accepted)).length;
    const reasons = new Map<string, number>();
    for (const o of group) for (const r of o.reasons.length ? o.reasons : o.accepted ? [] : [o.outcome]) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    rows.push({
      type: first.type,
      condition: first.condition,
      policy: first.policy,
      presentations: group.length,
      undecided: group.length - decided.length,
      errors,
      rate: decided.length ? errors / decided.length : 0,
      metric: bonaFide ? 'BPCER' : 'APCER',
      acceptedWithReducedAssurance: group.filter((o) => o.accepted && o.assurance === 'reduced').length,
      topReasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 4),
    });
  }
  const timeToVerdict: Record<string, Distribution> = {};
  const serverCpu: Record<string, Distribution> = {};
  for (const type of ['bona_fide', 'ha_bona_fide'] as const) {
    for (const condition of ['light', 'no_light'] as const) {
      const accepted = outcomes.filter((o) => o.type === type && o.condition === condition && o.accepted);
      const d = distribution(accepted.filter((o) => o.timeToVerdictMs !== undefined).map((o) => o.timeToVerdictMs!));
      if (d) timeToVerdict[`${type}_${condition}`] = d;
      const cpu = distribution(accepted.filter((o) => o.serverCpuMs !== undefined).map((o) => o.serverCpuMs!));
      if (cpu) serverCpu[`${type}_${condition}`] = cpu;
    }
  }
  return { rows, timeToVerdict, ...(Object.keys(serverCpu).length ? { serverCpu } : {}) };
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function toMarkdown(report: EvaluationReport): string {
  const lines = [
    '# Liveproof presentation attack detection evaluation',
    '',
    `Run ${report.startedAt}, ${Math.round(report.durationS)} s, seed ${report.seed}, ${report.machine.cpus} CPUs, Node ${report.machine.node}.`,
    'Every browser presentation ran through the built element in headless Chromium against the built server.',
    'APCER: share of attack presentations accepted, over those that got a decision. BPCER: share of bona fide presentations rejected, over all of them.',
    'No decision (APNRR for attacks): the check gave up before a verdict, e.g. no usable face in 15 s (60 s in production).',
    '',
    '| presentations | screen light | virtual-camera policy | n | no decision | metric | rate | accepted with reduced assurance | most common reasons |',
    '| --- | --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
    ...report.rows.map(
      (r) =>
        `| ${r.type} | ${r.condition === 'light' ? 'on' : 'opted out'} | ${r.policy} | ${r.presentations} | ${r.undecided} | ${r.metric} | ${pct(r.rate)} (${r.errors}) | ${r.acceptedWithReducedAssurance} | ${r.topReasons.map(([k, v]) => `${k} ${v}`).join(', ')} |`,
    ),
    '',
    '## Each attack type at its worse condition (what an attacker who chooses faces)',
    '',
    '| attack | APCER | condition | decided presentations |',
    '| --- | ---: | --- | ---: |',
    ...worstByType(report.rows).map((w) => `| ${w.type} | ${pct(w.rate)} | ${w.condition === 'light' ? 'light on' : 'light opted out'} | ${w.decided} |`),
    '',
    '## Time from the first prompt to the verdict, bona fide presentations that passed (ms)',
    '',
    '| condition | n | p50 | p90 | p95 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(report.timeToVerdict).map(([k, d]) => `| ${k} | ${d.count} | ${Math.round(d.p50)} | ${Math.round(d.p90)} | ${Math.round(d.p95)} | ${Math.round(d.max)} |`),
    ...(report.serverCpu
      ? [
          '',
          '## Server CPU per bona fide check that passed, first prompt to verdict, all threads (ms; with and without high-assurance crops)',
          '',
          '| condition | n | p50 | p90 | p95 | max |',
          '| --- | ---: | ---: | ---: | ---: | ---: |',
          ...Object.entries(report.serverCpu).map(([k, d]) => `| ${k} | ${d.count} | ${Math.round(d.p50)} | ${Math.round(d.p90)} | ${Math.round(d.p95)} | ${Math.round(d.max)} |`),
        ]
      : []),
  ];
  const accepted = report.outcomes.filter((o) => !isBonaFide(o.type) && o.accepted);
  if (accepted.length) {
    lines.push('', '## Attack presentations that were accepted', '', '| id | source | challenges | signals |', '| --- | --- | --- | --- |');
    for (const o of accepted) lines.push(`| ${o.id} | ${o.source} | ${o.challenges.join(', ')} | ${o.signals.join(', ')} |`);
  }
  const rejected = report.outcomes.filter((o) => isBonaFide(o.type) && !o.accepted);
  if (rejected.length) {
    lines.push('', '## Bona fide presentations that were rejected', '', '| id | steps | outcome | reasons |', '| --- | --- | --- | --- |');
    for (const o of rejected) lines.push(`| ${o.id} | ${o.steps.join(', ')} | ${o.outcome} | ${o.reasons.join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
