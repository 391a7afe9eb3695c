/**
 * The command line's human summary of a verified token: one fact a line, label then value, so it
 * reads well in a terminal and greps well in a log.
 */
import type { VerifiedLiveness } from './verify.ts';

const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));

/** A few aligned lines describing `verified`. */
export function formatSummary(verified: VerifiedLiveness): string {
  const challenges = verified.challenges.map((c) => `${c.id} ${c.passed ? 'passed' : 'failed'}`);
  const rows: [string, string][] = [
    ['result', verified.result],
    ['kind', verified.kind],
    ['candidate', verified.candidateRef],
    ['interview', verified.interviewRef ?? '(none)'],
    ['session', verified.sessionId],
    ['attempt', verified.attemptId],
    ['challenges', list(challenges)],
    ['reasons', list(verified.reasons)],
    ['signals', list(verified.signals)],
    ['assurance', verified.assurance],
    ['issued', verified.issuedAt.toISOString()],
    ['expires', verified.expiresAt.toISOString()],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => label.padEnd(width) + value).join('\n') + '\n';
}
