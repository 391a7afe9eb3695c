/**
 * One fuzzed life of a session: a fresh session of the main integration (one to three attempts),
 * an attempt started, then one to six actions drawn from `evidence.ts` (results of odd traces,
 * bent payloads, stops, a stranger's signature, another attempt's result, duplicates and rivals
 * at once, junk, progress reports, more attempts, revocation, introspection, time passing). Each
 * answer must keep the contract (`world.send`), and the few things a page can count on:
 *
 * - a result the attempt key signed ends the attempt, once: a second one is `result_already_submitted`;
 * - copies of one result at once get one answer; two different results at once, one 200 at most;
 * - a stranger's signature, or a result signed for another attempt, changes nothing;
 * - starts at once never take more attempts than the session has left.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CompactSign } from 'jose';
import type { ResultPayload, Trace } from '@liveproof/protocol';
import { neutralTrace, type Page } from '../testing/harness.ts';
import { action, bentPayload } from './evidence.ts';
import { strangerJws, type Answer, type World } from './world.ts';

interface Attempt {
  id: string;
  page: Page;
  start: Parameters<Page['payload']>[0];
  /** Whether a signed result (or stop) has been recorded. */
  done: boolean;
  token?: string;
}

const RESULT = 'POST /v1/attempts/:id/result';
const started = new WeakMap<World, number>();
// Builders for fc.gen(), made once: it compares a builder and its arguments when it replays.
const limits = () => fc.integer({ min: 1, max: 3 });
const actions = () => fc.array(action, { minLength: 1, maxLength: 6 });

export async function runSequence(world: World, g: fc.GeneratorValue): Promise<void> {
  const { h } = world;
  const limit = g(limits);
  const first = await world.startedAttempt({ attemptLimit: limit });
  const attempts: Attempt[] = [{ id: first.start.attemptId, page: first.page, start: first.start, done: false }];
  const clientAuth = { authorization: `Bearer ${first.clientToken}`, 'content-type': 'application/json' };
  const apiAuth = { authorization: `Bearer ${world.main.apiKey}`, 'content-type': 'application/json' };
  const current = () => attempts.at(-1)!;
  const post = (route: string, path: string, body: unknown, headers: Record<string, string>) =>
    world.send(route, { method: 'POST', path, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const submit = (a: Attempt, jws: string, kind: 'result' | 'stop' = 'result') => post(kind === 'result' ? RESULT : 'POST /v1/attempts/:id/stop', `/v1/attempts/${a.id}/${kind}`, { result: jws }, { 'content-type': 'application/json' });
  const sign = (a: Attempt, payload: unknown) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(a.page.privateKey);
  const expired = (a: Attempt) => h.clock.now() > Date.parse(a.start.plan.expiresAt);
  const ok = (answer: Answer) => expect(answer.problems).toEqual([]);

  /** What a result the attempt key signed must get, given what the attempt has been through. */
  function signedOutcome(a: Attempt, answer: Answer, allowed: string[]) {
    ok(answer);
    if (a.done) expect(answer.json.error?.code, JSON.stringify(answer.json)).toBe('result_already_submitted');
    else if (answer.status !== 200) expect([...allowed, ...(expired(a) ? ['attempt_expired'] : [])], JSON.stringify(answer.json)).toContain(answer.json.error?.code);
    // Late evidence is never taken; its shape is judged first, then its binding, then its time.
    else expect(expired(a), 'a late result was accepted').toBe(false);
    if (answer.status === 200) a.token = answer.json.token as string;
    a.done = true;
  }

  const steps = g(actions);
  for (const step of steps) {
    const a = current();
    switch (step.do) {
      case 'result': {
        if (step.trace === 'long') h.clock.advance(7_000);
        const trace: Trace = step.trace === 'odd' ? step.odd! : neutralTrace(a.start.plan.challenges, step.trace === 'long' ? 6000 : 1000);
        const payload = a.page.payload(a.start, trace);
        signedOutcome(a, await submit(a, await sign(a, payload)), ['invalid_result', 'plan_mismatch', 'clock_mismatch']);
        break;
      }
      case 'bent result': {
        const payload = g(bentPayload, a.page.payload(a.start, neutralTrace(a.start.plan.challenges, 1000)) as ResultPayload);
        signedOutcome(a, await submit(a, await sign(a, payload)), ['invalid_result', 'plan_mismatch', 'clock_mismatch', 'attempt_expired']);
        break;
      }
      case 'same result twice at once': {
        const jws = await sign(a, a.page.payload(a.start, neutralTrace(a.start.plan.challenges, 1000)));
        const [one, two] = await Promise.all([submit(a, jws), submit(a, jws)]);
        ok(one);
        ok(two);
        if (!a.done && !expired(a)) expect([one.status, two.status]).toEqual([200, 200]);
        a.done = true;
        break;
      }
      case 'two results at once': {
        const trace = neutralTrace(a.start.plan.challenges, 1000);
        const jws = await Promise.all([sign(a, a.page.payload(a.start, trace)), sign(a, { ...a.page.payload(a.start, trace), sentAt: 1 })]);
        const answers = await Promise.all(jws.map((j) => submit(a, j)));
        answers.forEach(ok);
        expect(answers.filter((x) => x.status === 200).length).toBeLessThanOrEqual(a.done ? 0 : 1);
        a.done = true;
        break;
      }
      case 'stranger result':
      case 'result of another attempt': {
        const payload = a.page.payload(a.start, neutralTrace(a.start.plan.challenges, 1000));
        const other = step.do === 'stranger result' ? await strangerJws(payload) : await sign({ ...a, page: (await world.startedAttempt()).page }, payload);
        const answer = await submit(a, other);
        ok(answer);
        expect(answer.json.error?.code).toBe(a.done ? 'result_already_submitted' : 'invalid_signature');
        expect((await h.store.getAttempt(a.id))!.status === 'started').toBe(!a.done);
        break;
      }
      case 'stop': {
        const stop = { v: 1, attemptId: a.id, nonce: a.start.plan.nonce, stop: 'flashing', sentAt: 0 };
        const answer = await submit(a, await sign(a, stop), 'stop');
        signedOutcome(a, answer, []);
        break;
      }
      case 'bent stop':
        signedOutcome(a, await submit(a, await sign(a, step.stop), 'stop'), ['invalid_result', 'plan_mismatch']);
        break;
      case 'raw':
        ok(await post(RESULT, `/v1/attempts/${a.id}/result`, { result: step.jws }, { 'content-type': 'application/json' }));
        break;
      case 'progress':
        ok(await post('POST /v1/attempts/:id/progress', `/v1/attempts/${a.id}/progress`, { index: step.index, challenge: step.challenge }, clientAuth));
        break;
      case 'start':
      case 'three starts at once': {
        const before = (await h.store.listAttemptStates(first.sessionId)).length;
        const n = step.do === 'start' ? 1 : 3;
        const answers = await Promise.all(Array.from({ length: n }, () => a.page.start(first.sessionId)));
        for (const answer of answers) {
          if (answer.status >= 500) throw new Error(`start answered ${answer.status}: ${JSON.stringify(answer.json)}`);
          if (answer.status === 201) {
            attempts.push({ id: answer.json.attemptId, page: a.page, start: answer.json, done: false });
            world.main.attemptIds.push(answer.json.attemptId);
          } else expect(['attempt_limit_reached', 'session_completed', 'session_expired']).toContain(answer.json.error?.code);
        }
        expect((await h.store.listAttemptStates(first.sessionId)).length - before).toBe(answers.filter((x) => x.status === 201).length);
        break;
      }
      case 'revoke': {
        const answer = await post('POST /v1/attempts/:id/revoke', `/v1/attempts/${a.id}/revoke`, '', apiAuth);
        ok(answer);
        expect(answer.status === 200).toBe(a.done);
        break;
      }
      case 'introspect':
        ok(await post('POST /v1/tokens/introspect', '/v1/tokens/introspect', { token: a.token ?? a.start.planToken }, apiAuth));
        break;
      case 'wait':
        // Time passes, within a budget: the world's own tokens must outlive the run.
        if (h.clock.now() - (started.get(world) ?? started.set(world, h.clock.now()).get(world)!) < 20 * 60_000) h.clock.advance(step.ms);
        break;
    }
  }
}
