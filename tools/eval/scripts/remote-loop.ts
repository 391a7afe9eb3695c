/**
 * `pnpm remote-loop`: a SIMULATION of a laptop farm's remote-control loop. The responsive actor
 * answers each prompt after its human-like delay (300-900 ms); in the "remote loop" condition
 * every answer is delayed by 150-400 ms more, as an operator abroad watching the farm laptop's
 * screen and steering it would add. Nothing else of a remote session is simulated (no remote
 * desktop, no video compression, no second screen). Sessions carry no interview reference: the
 * check on an employee's company laptop, after the hire. Prints the median reaction time the
 * server derived from each check's trace, and how often `remote_session_hint` fires for each
 * condition at the shipped threshold and at lower ones. A benchmark command, not a test.
 *
 *   pnpm remote-loop [--runs 10]
 */
import { parseArgs } from 'node:util';
import { cooperativeCheck, startServer } from '../src/index.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(args.runs);
const SHIPPED_THRESHOLD_MS = 1500; // REMOTE_REACTION_MS in packages/server/src/domain/signals.ts
const server = await startServer();
const conditions = [
  { name: 'unmodified actor', loopDelayMs: undefined },
  { name: 'remote loop (+150-400 ms)', loopDelayMs: [150, 400] as [number, number] },
];
const results = new Map<string, { reactionMs: number | undefined; fired: boolean; passed: boolean }[]>();
try {
  for (let run = 0; run < RUNS; run++) {
    for (const condition of conditions) {
      // No interview: the company-laptop check.
      const { attempt, passed } = await cooperativeCheck(server, {
        session: { candidateRef: `employee-${run}`, interviewRef: undefined },
        ...(condition.loopDelayMs ? { actor: { loopDelayMs: condition.loopDelayMs } } : {}),
      });
      const entry = { reactionMs: attempt.risk.reported.reactionMs as number | undefined, fired: attempt.signals.includes('remote_session_hint'), passed };
      results.set(condition.name, [...(results.get(condition.name) ?? []), entry]);
      console.log(`  ${condition.name.padEnd(26)} run ${run + 1}: median reaction ${entry.reactionMs ?? '-'} ms, ${entry.passed ? 'pass' : 'fail'}, remote_session_hint ${entry.fired ? 'fired' : 'no'}`);
    }
  }
  console.log('\nSIMULATION (the delay of a remote-control loop only):');
  for (const condition of conditions) {
    const list = results.get(condition.name) ?? [];
    const times = list.map((r) => r.reactionMs).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
    const at = (threshold: number) => `${times.filter((t) => t >= threshold).length}/${list.length}`;
    console.log(
      `  ${condition.name.padEnd(26)} median reaction: min ${times[0]} ms, median ${times[times.length >> 1]} ms, max ${times.at(-1)} ms; ` +
        `remote_session_hint fired ${list.filter((r) => r.fired).length}/${list.length} (shipped ${SHIPPED_THRESHOLD_MS} ms); at 1000 ms ${at(1000)}, 1200 ms ${at(1200)}; passed ${list.filter((r) => r.passed).length}/${list.length}`,
    );
  }
} finally {
  await server.stop();
}
