/**
 * A scoring thread: evaluates signed results (signature, schema, plan, clock, `score()`) off the
 * server's event loop, so a flood of large results cannot stall every other request.
 */
import { evaluateResult, type EvidenceInput } from '@liveproof/server';

export default function evaluate(input: EvidenceInput) {
  return evaluateResult(input);
}
