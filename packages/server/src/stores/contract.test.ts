/**
 * The `Store` contract, written once and run against each adapter: SQLite on a temporary file and
 * PostgreSQL (`LIVEPROOF_TEST_DATABASE_URL`, default the local `test` database) in a throwaway
 * schema. Every test gets a fresh, migrated database; each schema or file is removed afterwards.
 * Nothing is skipped when PostgreSQL is unreachable: those tests fail.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChallengeId, ErrorCode, ReasonCode } from '@liveproof/protocol';
import type {
  AttemptOutcome,
  AttemptRecord,
  AuditEvent,
  IntegrationRecord,
  NewAttempt,
  SessionRecord,
  SigningKeyRecord,
  Store,
  NewWebhookMessage,
  WebhookEndpointRecord,
} from '../store.ts';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';

/** A database for one test. `open()` gives another connection to it, like another server instance. */
interface Target {
  open(): Store;
  dispose(): Promise<void>;
}

// ---- fixtures ----------------------------------------------------------------------------------

/** 2025-06-02T09:30:00Z: epoch milliseconds do not fit in 32 bits, which BIGINT columns must survive. */
const T0 = Date.UTC(2025, 5, 2, 9, 30);

function integration(overrides: Partial<IntegrationRecord> = {}): IntegrationRecord {
  return { id: randomUUID(), name: 'Acme Hiring', apiKeyHash: randomBytes(32).toString('hex'), audiences: ['acme-ats', 'acme-ats-staging'], virtualCameraPolicy: 'reject', lightOptOutPolicy: 'flag', referenceImageDays: 30, createdAt: T0, ...overrides };
}

function session(integrationId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(),
    integrationId,
    candidateRef: 'cand-4821',
    interviewRef: 'itv-2025-06-02-backend',
    audience: 'https://ats.acme.example',
    attemptLimit: 3,
    challengeCount: 3,
    tokenTtlSeconds: 600,
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    ...overrides,
  };
}

function signingKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = randomUUID();
  const x = randomBytes(32).toString('base64url');
  const y = randomBytes(32).toString('base64url');
  return {
    kid,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, use: 'sig' },
    privateJwk: { kty: 'EC', crv: 'P-256', x, y, d: randomBytes(32).toString('base64url'), kid },
    createdAt: T0,
    retiredAt: null,
    ...overrides,
  };
}

function newAttempt(sessionId: string, overrides: Partial<NewAttempt> = {}): NewAttempt {
  return {
    id: randomUUID(),
    sessionId,
    createdAt: T0 + 60_000,
    expiresAt: T0 + 180_000,
    nonce: randomBytes(16).toString('base64url'),
    challenges: [ChallengeId.TurnLeft, ChallengeId.Blink, ChallengeId.Smile],
    planToken: `eyJhbGciOiJFUzI1NiJ9.${randomBytes(48).toString('base64url')}.sig`,
    publicJwk: { kty: 'EC', crv: 'P-256', x: randomBytes(32).toString('base64url'), y: randomBytes(32).toString('base64url') },
    keyThumbprint: randomBytes(32).toString('base64url'),
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
    device: {
      cameraLabel: 'FaceTime HD Camera (Built-in) «front» 📷',
      width: 1280,
      height: 720,
      frameRate: 29.97,
      providedStream: false,
      webdriver: false,
      timeZone: 'Europe/Paris',
    },
    ...overrides,
  };
}

function outcome(overrides: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return {
    status: 'passed',
    completedAt: T0 + 101_500,
    reasons: [],
    steps: [
      { challenge: ChallengeId.TurnLeft, passed: true, reactionMs: 412, durationMs: 930 },
      { challenge: ChallengeId.Blink, passed: true, reactionMs: 288, durationMs: 310 },
      { challenge: ChallengeId.Smile, passed: true, reactionMs: 505, durationMs: 1_120 },
    ],
    signals: ['timezone_mismatch'],
    trace: {
      v: 1,
      frames: [
        { t: -400, n: 1, box: [0.31, 0.22, 0.38, 0.51], pose: [1.5, -2.25, 0.125], bs: [0.02, 0.03, 0.1, 0.1, 0.05, 0.04, 0.01, 0.2], luma: 118.5 },
        { t: 0, n: 0, luma: 12.5 },
        { t: 33, n: 2, box: [0.3, 0.2, 0.4, 0.5], pose: [-24.75, 3, -1], bs: [0.9, 0.88, 0.2, 0.2, 0.05, 0.04, 0.01, 0.2], luma: 97 },
      ],
      steps: [
        { challenge: ChallengeId.TurnLeft, promptedAt: 0, endedAt: 930 },
        { challenge: ChallengeId.Blink, promptedAt: 1_000, endedAt: 1_310 },
        { challenge: ChallengeId.Smile, promptedAt: 1_400, endedAt: 2_520 },
      ],
    },
    timings: { serverElapsedMs: 41_500, traceSpanMs: 39_870, checkDurationMs: 36_020 },
    resultIp: '198.51.100.23',
    resultUserAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
    ...overrides,
  };
}

const failedOutcome = (): AttemptOutcome =>
  outcome({
    status: 'failed',
    reasons: [ReasonCode.NotPerformed, ReasonCode.TooDark],
    steps: [{ challenge: ChallengeId.TurnLeft, passed: false, reason: ReasonCode.NotPerformed }],
    signals: [],
    trace: null,
    timings: null,
    resultIp: null,
    resultUserAgent: null,
  });

/** What `createAttempt` must return, and `getAttempt` read back, for a new attempt. */
function started(attempt: NewAttempt, sequence: number): AttemptRecord {
  return {
    ...attempt,
    sequence,
    status: 'started',
    completedAt: null,
    reasons: [],
    steps: [],
    signals: [],
    trace: null,
    timings: null,
    resultIp: null,
    resultUserAgent: null,
    revokedAt: null,
    kind: 'check',
  };
}

async function seedSession(store: Store, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  const owner = integration();
  await store.insertIntegration(owner);
  const record = session(owner.id, overrides);
  await store.insertSession(record);
  return record;
}

async function startAttempt(store: Store, sessionId: string): Promise<AttemptRecord> {
  const result = await store.createAttempt(newAttempt(sessionId));
  if (typeof result === 'string') throw new Error(`attempt refused: ${result}`);
  return result;
}

function endpoint(integrationId: string, overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    id: randomUUID(),
    integrationId,
    url: 'https://hooks.acme.example/liveproof?tenant=«4»',
    secret: `whsec_${randomBytes(32).toString('base64')}`,
    events: ['attempt.completed', 'session.passed'],
    createdAt: T0,
    ...overrides,
  };
}

function message(endpointRecord: WebhookEndpointRecord, overrides: Partial<NewWebhookMessage> = {}): NewWebhookMessage {
  return {
    id: `msg_${randomUUID()}`,
    endpointId: endpointRecord.id,
    integrationId: endpointRecord.integrationId,
    type: 'attempt.completed',
    body: JSON.stringify({ type: 'attempt.completed', data: { note: 'résultat «ok»' } }),
    createdAt: T0 + 101_500,
    ...overrides,
  };
}

// ---- the contract --------------------------------------------------------------------------------

function storeContract(name: string, newTarget: () => Target): void {
  describe(`${name} store`, () => {
    let target: Target;
    let store: Store;

    beforeEach(async () => {
      target = newTarget();
      store = target.open();
      await store.migrate();
    });
    afterEach(async () => {
      await target.dispose();
    });

    describe('lifecycle', () => {
      it('migrates again, twice, without touching the data', async () => {
        const record = integration();
        await store.insertIntegration(record);
        await store.migrate();
        await target.open().migrate();
        expect(await store.getIntegration(record.id)).toEqual(record);
      });

      it('refuses work once closed', async () => {
        await store.close();
        await expect(store.getIntegration(randomUUID())).rejects.toThrow();
      });
    });

    describe('integrations', () => {
      it('reads an integration back by id and by API key hash', async () => {
        const record = integration({ name: 'Ünïcode Recruiting — EMEA' });
        await store.insertIntegration(record);
        expect(await store.getIntegration(record.id)).toEqual(record);
        expect(await store.findIntegrationByKeyHash(record.apiKeyHash)).toEqual(record);
        expect(await store.getIntegration(randomUUID())).toBeNull();
        expect(await store.findIntegrationByKeyHash(randomBytes(32).toString('hex'))).toBeNull();
      });

      it('refuses a second integration with the same API key hash', async () => {
        const original = integration();
        await store.insertIntegration(original);
        await expect(store.insertIntegration(integration({ apiKeyHash: original.apiKeyHash }))).rejects.toThrow();
        expect(await store.findIntegrationByKeyHash(original.apiKeyHash)).toEqual(original);
      });
    });

    describe('signing keys', () => {
      it('lists every key, newest first, with both JWKs', async () => {
        expect(await store.listSigningKeys()).toEqual([]);
        const middle = signingKey({ createdAt: T0 + 1_000 });
        const oldest = signingKey({ createdAt: T0, retiredAt: T0 + 1_000 });
        const newest = signingKey({ createdAt: T0 + 2_000 });
        for (const key of [middle, oldest, newest]) await store.insertSigningKey(key);
        expect(await store.listSigningKeys()).toEqual([newest, middle, oldest]);
      });

      it('retires one key, once', async () => {
        const kept = signingKey({ createdAt: T0 });
        const retired = signingKey({ createdAt: T0 + 1 });
        await store.insertSigningKey(kept);
        await store.insertSigningKey(retired);
        await store.retireSigningKey(retired.kid, T0 + 5_000);
        await store.retireSigningKey(retired.kid, T0 + 9_000);
        expect(await store.listSigningKeys()).toEqual([{ ...retired, retiredAt: T0 + 5_000 }, kept]);
      });
    });

    describe('sessions', () => {
      it('reads a session back with every field', async () => {
        const record = await seedSession(store, { attemptLimit: 5, challengeCount: 4, tokenTtlSeconds: 90 });
        expect(await store.getSession(record.id)).toEqual(record);
        expect(await store.getSession(randomUUID())).toBeNull();
      });

      it('refuses a session of an unknown integration', async () => {
        const orphan = session(randomUUID());
        await expect(store.insertSession(orphan)).rejects.toThrow();
        expect(await store.getSession(orphan.id)).toBeNull();
      });
    });

    describe('creating attempts', () => {
      it('stores a new attempt with every field and reads it back', async () => {
        const { id } = await seedSession(store);
        const attempt = newAttempt(id);
        const created = await store.createAttempt(attempt);
        expect(created).toEqual(started(attempt, 1));
        expect(await store.getAttempt(attempt.id)).toEqual(started(attempt, 1));
        expect(await store.getAttempt(randomUUID())).toBeNull();
      });

      it('keeps missing request facts as null', async () => {
        const { id } = await seedSession(store);
        const attempt = newAttempt(id, { ip: null, userAgent: null, device: null });
        await store.createAttempt(attempt);
        expect(await store.getAttempt(attempt.id)).toEqual(started(attempt, 1));
      });

      it('numbers attempts 1, 2, 3 and then refuses at the limit without storing anything', async () => {
        const { id } = await seedSession(store, { attemptLimit: 3 });
        const attempts = [newAttempt(id), newAttempt(id), newAttempt(id)];
        for (const [index, attempt] of attempts.entries()) {
          expect(await store.createAttempt(attempt)).toEqual(started(attempt, index + 1));
        }
        const refused = newAttempt(id);
        expect(await store.createAttempt(refused)).toBe('limit_reached');
        expect(await store.getAttempt(refused.id)).toBeNull();
        expect(await store.listAttempts(id)).toEqual(attempts.map((attempt, index) => started(attempt, index + 1)));
      });

      it('lets a failed attempt be followed by another, but nothing after a pass', async () => {
        const { id } = await seedSession(store, { attemptLimit: 5 });
        const first = await startAttempt(store, id);
        await store.completeAttempt(first.id, failedOutcome());
        const second = await startAttempt(store, id);
        expect(second.sequence).toBe(2);
        await store.completeAttempt(second.id, outcome());
        expect(await store.createAttempt(newAttempt(id))).toBe('session_passed');
        expect((await store.listAttempts(id)).map((a) => [a.sequence, a.status])).toEqual([
          [1, 'failed'],
          [2, 'passed'],
        ]);
      });

      it('says session_passed, not limit_reached, when the last allowed attempt passed', async () => {
        const { id } = await seedSession(store, { attemptLimit: 1 });
        const only = await startAttempt(store, id);
        await store.completeAttempt(only.id, outcome());
        expect(await store.createAttempt(newAttempt(id))).toBe('session_passed');
      });

      it('refuses an attempt for an unknown session', async () => {
        const attempt = newAttempt(randomUUID());
        expect(await store.createAttempt(attempt)).toBe('session_not_found');
        expect(await store.getAttempt(attempt.id)).toBeNull();
      });

      it('never exceeds the limit when ten attempts race from two instances', async () => {
        // On SQLite the calls cannot truly interleave (a synchronous driver in one thread); on
        // PostgreSQL they run on separate pooled connections of two stores, so the race is real.
        const { id } = await seedSession(store, { attemptLimit: 3 });
        const other = target.open();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? store : other).createAttempt(newAttempt(id))),
        );
        const created = results.filter((result): result is AttemptRecord => typeof result !== 'string');
        expect(created.map((attempt) => attempt.sequence).sort((a, b) => a - b)).toEqual([1, 2, 3]);
        expect(results.filter((result) => result === 'limit_reached')).toHaveLength(7);
        expect((await store.listAttempts(id)).map((attempt) => attempt.id).sort()).toEqual(
          created.map((attempt) => attempt.id).sort(),
        );
      });
    });

    describe('completing attempts', () => {
      it('writes the outcome once and never overwrites it', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        const first = outcome();
        expect(await store.completeAttempt(attempt.id, first)).toBe(true);
        expect(await store.getAttempt(attempt.id)).toEqual({ ...attempt, ...first });
        expect(await store.completeAttempt(attempt.id, failedOutcome())).toBe(false);
        expect(await store.getAttempt(attempt.id)).toEqual({ ...attempt, ...first });
      });

      it('stores a failed outcome with its reasons and nulls', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        expect(await store.completeAttempt(attempt.id, failedOutcome())).toBe(true);
        expect(await store.getAttempt(attempt.id)).toEqual({ ...attempt, ...failedOutcome() });
      });

      it('answers false for an unknown attempt', async () => {
        expect(await store.completeAttempt(randomUUID(), outcome())).toBe(false);
      });

      it('accepts exactly one of two results racing from two instances', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        const other = target.open();
        const contenders = [outcome(), failedOutcome()];
        const results = await Promise.all([
          store.completeAttempt(attempt.id, contenders[0]!),
          other.completeAttempt(attempt.id, contenders[1]!),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = contenders[results.indexOf(true)]!;
        expect(await store.getAttempt(attempt.id)).toEqual({ ...attempt, ...winner });
      });
    });

    describe('finding sessions and attempts, and revoking', () => {
      it('lists one integration\'s sessions newest first, filtered and paged', async () => {
        const owner = integration();
        const other = integration();
        await store.insertIntegration(owner);
        await store.insertIntegration(other);
        const records = [0, 1, 2, 3].map((i) => session(owner.id, { createdAt: T0 + i * 1000, candidateRef: i % 2 === 0 ? 'cand-even' : 'cand-odd', interviewRef: `itv-${i}` }));
        for (const record of records) await store.insertSession(record);
        await store.insertSession(session(other.id, { candidateRef: 'cand-even' }));
        const ids = (list: SessionRecord[]) => list.map((r) => r.id);
        expect(ids(await store.listSessions(owner.id, { limit: 10 }))).toEqual(ids([...records].reverse()));
        expect(ids(await store.listSessions(owner.id, { limit: 10, candidateRef: 'cand-even' }))).toEqual([records[2]!.id, records[0]!.id]);
        expect(ids(await store.listSessions(owner.id, { limit: 10, interviewRef: 'itv-1' }))).toEqual([records[1]!.id]);
        expect(ids(await store.listSessions(owner.id, { limit: 10, createdFrom: T0 + 1000, createdTo: T0 + 3000 }))).toEqual([records[2]!.id, records[1]!.id]);
        const page = await store.listSessions(owner.id, { limit: 2 });
        expect(ids(await store.listSessions(owner.id, { limit: 2, before: page[1]! }))).toEqual([records[1]!.id, records[0]!.id]);
        expect(await store.listSessions(owner.id, { limit: 1 })).toEqual([records[3]]);
      });

      it('lists the attempts of several sessions in one call, each in sequence order', async () => {
        const first = await seedSession(store);
        const second = session(first.integrationId);
        const third = session(first.integrationId);
        await store.insertSession(second);
        await store.insertSession(third);
        const a1 = await startAttempt(store, first.id);
        const b1 = await startAttempt(store, second.id);
        const a2 = await startAttempt(store, first.id);
        await startAttempt(store, third.id);
        const found = await store.listAttemptsOfSessions([first.id, second.id]);
        expect(found.filter((a) => a.sessionId === first.id)).toEqual([a1, a2]);
        expect(found.filter((a) => a.sessionId === second.id)).toEqual([b1]);
        expect(found).toHaveLength(3);
        expect(await store.listAttemptsOfSessions([])).toEqual([]);
      });

      it('finds attempts by candidate, status and reason, with their sessions', async () => {
        const first = await seedSession(store, { candidateRef: 'cand-a' });
        const second = session(first.integrationId, { candidateRef: 'cand-b' });
        await store.insertSession(second);
        const a1 = await startAttempt(store, first.id);
        const a2 = await startAttempt(store, first.id);
        const b1 = await startAttempt(store, second.id);
        await store.completeAttempt(a1.id, failedOutcome());
        await store.completeAttempt(a2.id, outcome());
        const ids = (found: { attempt: AttemptRecord }[]) => found.map((f) => f.attempt.id).sort();
        expect(ids(await store.findAttempts(first.integrationId, { limit: 10 }))).toEqual([a1.id, a2.id, b1.id].sort());
        expect(ids(await store.findAttempts(first.integrationId, { limit: 10, candidateRef: 'cand-a' }))).toEqual([a1.id, a2.id].sort());
        expect(ids(await store.findAttempts(first.integrationId, { limit: 10, status: 'started' }))).toEqual([b1.id]);
        expect(ids(await store.findAttempts(first.integrationId, { limit: 10, reason: ReasonCode.TooDark }))).toEqual([a1.id]);
        expect(ids(await store.findAttempts(first.integrationId, { limit: 10, reason: 'multiple_faces' }))).toEqual([]);
        const [found] = await store.findAttempts(first.integrationId, { limit: 10, sessionId: second.id });
        expect(found).toEqual({ attempt: b1, session: second });
        expect(await store.findAttempts(integration().id, { limit: 10 })).toEqual([]);
      });

      it('revokes a completed attempt once, and never one still under way', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        expect(await store.revokeAttempt(attempt.id, T0 + 1)).toBe(false);
        await store.completeAttempt(attempt.id, outcome());
        expect(await store.revokeAttempt(attempt.id, T0 + 200_000)).toBe(true);
        expect(await store.revokeAttempt(attempt.id, T0 + 300_000)).toBe(true);
        expect((await store.getAttempt(attempt.id))!.revokedAt).toBe(T0 + 200_000);
        expect(await store.revokeAttempt(randomUUID(), T0)).toBe(false);
      });
    });

    describe('webhook outbox', () => {
      async function seedEndpoint() {
        const owner = await seedSession(store);
        const hook = endpoint(owner.integrationId);
        await store.insertWebhookEndpoint(hook);
        return { session: owner, hook };
      }

      it('lists, and deletes only its own integration\'s, endpoints', async () => {
        const { hook } = await seedEndpoint();
        const stranger = integration();
        await store.insertIntegration(stranger);
        expect(await store.listWebhookEndpoints(hook.integrationId)).toEqual([hook]);
        expect(await store.deleteWebhookEndpoint(stranger.id, hook.id)).toBe(false);
        expect(await store.deleteWebhookEndpoint(hook.integrationId, hook.id)).toBe(true);
        expect(await store.listWebhookEndpoints(hook.integrationId)).toEqual([]);
      });

      it('writes the messages with the result, and none for a result that lost the race', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const attempt = await startAttempt(store, owner.id);
        const first = [message(hook), message(hook, { type: 'session.passed' })];
        expect(await store.completeAttempt(attempt.id, outcome(), first)).toBe(true);
        expect(await store.completeAttempt(attempt.id, failedOutcome(), [message(hook)])).toBe(false);
        const stored = await store.listWebhookMessages(hook.integrationId);
        expect(stored.map((m) => m.id).sort()).toEqual(first.map((m) => m.id).sort());
        expect(stored[0]).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 101_500, deliveredAt: null });
      });

      it('hands a due message to one instance at a time, and again once its lease has run out', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const attempt = await startAttempt(store, owner.id);
        const sent = message(hook);
        await store.completeAttempt(attempt.id, outcome(), [sent]);
        const other = target.open();
        const now = T0 + 200_000;
        const [a, b] = await Promise.all([store.claimWebhookMessages(now, 10, 30_000), other.claimWebhookMessages(now, 10, 30_000)]);
        expect([...a, ...b].map((d) => d.message.id)).toEqual([sent.id]);
        expect([...a, ...b][0]!.endpoint).toEqual(hook);
        expect(await store.claimWebhookMessages(now + 29_999, 10, 30_000)).toEqual([]);
        expect((await store.claimWebhookMessages(now + 30_000, 10, 30_000)).map((d) => d.message.id)).toEqual([sent.id]);
      });

      it('records failed attempts with the next try, then delivery, then nothing more', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const attempt = await startAttempt(store, owner.id);
        const sent = message(hook);
        await store.completeAttempt(attempt.id, outcome(), [sent]);
        await store.recordWebhookAttempt(sent.id, { at: T0 + 200_000, delivered: false, responseStatus: 500, error: 'HTTP 500', retryAt: T0 + 205_000 });
        expect((await store.listWebhookMessages(hook.integrationId))[0]).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T0 + 205_000, lastResponseStatus: 500, lastError: 'HTTP 500' });
        expect(await store.claimWebhookMessages(T0 + 204_999, 10, 30_000)).toEqual([]);
        await store.recordWebhookAttempt(sent.id, { at: T0 + 205_100, delivered: true, responseStatus: 204, error: null, retryAt: null });
        await store.recordWebhookAttempt(sent.id, { at: T0 + 205_200, delivered: false, responseStatus: 500, error: 'late', retryAt: T0 + 300_000 });
        expect((await store.listWebhookMessages(hook.integrationId))[0]).toMatchObject({ status: 'delivered', attempts: 2, nextAttemptAt: null, deliveredAt: T0 + 205_100, lastResponseStatus: 204 });
        expect(await store.claimWebhookMessages(T0 + 10_000_000, 10, 30_000)).toEqual([]);
      });

      it('gives a message up after its last try, and when its endpoint is deleted', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const [one, two] = [await startAttempt(store, owner.id), await startAttempt(store, owner.id)];
        const [last, orphan] = [message(hook), message(hook)];
        await store.completeAttempt(one.id, failedOutcome(), [last]);
        await store.completeAttempt(two.id, failedOutcome(), [orphan]);
        await store.recordWebhookAttempt(last.id, { at: T0 + 200_000, delivered: false, responseStatus: null, error: 'TypeError: fetch failed', retryAt: null });
        await store.deleteWebhookEndpoint(hook.integrationId, hook.id);
        const byId = new Map((await store.listWebhookMessages(hook.integrationId)).map((m) => [m.id, m]));
        expect(byId.get(last.id)).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastError: 'TypeError: fetch failed' });
        expect(byId.get(orphan.id)).toMatchObject({ status: 'failed', attempts: 0, lastError: 'endpoint deleted' });
        expect(await store.claimWebhookMessages(T0 + 10_000_000, 10, 30_000)).toEqual([]);
      });
    });

    describe('audit events', () => {
      it('appends events and lists them by session and by attempt, in insertion order', async () => {
        const one = await seedSession(store);
        const two = await seedSession(store);
        const attempt = await startAttempt(store, one.id);
        const base = { ip: '203.0.113.7', userAgent: 'curl/8.7.1', code: null };
        const events: AuditEvent[] = [
          { ...base, at: T0, type: 'session.created', sessionId: one.id, attemptId: null, integrationId: one.integrationId, detail: { candidateRef: one.candidateRef, options: { challengeCount: 3, tags: ['a', 'b'] } } },
          { ...base, at: T0 + 1, type: 'session.created', sessionId: two.id, attemptId: null, integrationId: two.integrationId, detail: {} },
          { ...base, at: T0 + 2, type: 'attempt.started', sessionId: one.id, attemptId: attempt.id, integrationId: null, detail: { sequence: 1 } },
          { at: T0 + 3, type: 'result.refused', sessionId: one.id, attemptId: attempt.id, integrationId: null, code: ErrorCode.ResultAlreadySubmitted, ip: null, userAgent: null, detail: { note: 'replay «x»', nested: { n: 1.5, ok: false, none: null } } },
          { at: T0 + 2, type: 'attempt.refused', sessionId: 'no-such-session', attemptId: null, integrationId: null, code: ErrorCode.SessionNotFound, ip: null, userAgent: null, detail: {} },
        ];
        for (const event of events) await store.appendEvent(event);

        const all = await store.listEvents({});
        expect(all.map(({ id: _id, ...event }) => event)).toEqual(events);
        const ids = all.map((event) => event.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(events.length);

        expect(await store.listEvents({ sessionId: one.id })).toEqual([all[0], all[2], all[3]]);
        expect(await store.listEvents({ attemptId: attempt.id })).toEqual([all[2], all[3]]);
        expect(await store.listEvents({ sessionId: one.id, attemptId: attempt.id })).toEqual([all[2], all[3]]);
        expect(await store.listEvents({ sessionId: two.id, attemptId: attempt.id })).toEqual([]);
        expect(await store.listEvents({ sessionId: 'no-such-session' })).toEqual([all[4]]);
      });
    });
  });
}

// ---- SQLite --------------------------------------------------------------------------------------

/** A fresh temp directory with the database file two levels down, so the store must create them. */
function sqliteTarget(): Target & { path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'liveproof-store-'));
  const path = join(dir, 'data', 'nested', 'liveproof.db');
  const opened: Store[] = [];
  return {
    path,
    open: () => {
      const store = createSqliteStore({ path });
      opened.push(store);
      return store;
    },
    dispose: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

storeContract('SQLite', sqliteTarget);

describe('SQLite store, file specifics', () => {
  let target: Target & { path: string };
  beforeEach(() => {
    target = sqliteTarget();
  });
  afterEach(async () => {
    await target.dispose();
  });

  it('creates the parent directories and a WAL-mode file', async () => {
    expect(existsSync(target.path)).toBe(false);
    await target.open().migrate();
    const raw = new Database(target.path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual([1, 2]);
    } finally {
      raw.close();
    }
  });

  it('keeps the data across close and reopen', async () => {
    const store = target.open();
    await store.migrate();
    const record = await seedSession(store);
    const attempt = await startAttempt(store, record.id);
    await store.completeAttempt(attempt.id, outcome());
    await store.close();

    const reopened = target.open();
    await reopened.migrate();
    expect(await reopened.getSession(record.id)).toEqual(record);
    expect(await reopened.getAttempt(attempt.id)).toEqual({ ...attempt, ...outcome() });
    expect(await reopened.createAttempt(newAttempt(record.id))).toBe('session_passed');
  });

  it('works in memory', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    const record = await seedSession(store);
    expect(await store.getSession(record.id)).toEqual(record);
    await store.close();
  });
});

// ---- PostgreSQL ----------------------------------------------------------------------------------

const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = randomBytes(4).toString('hex');
let schemaCount = 0;
const admin = postgres(DATABASE_URL, { max: 2, onnotice: () => {} });

afterAll(async () => {
  await admin.end({ timeout: 5 });
});

/** A schema no other run or test uses, created by the store's own migrate() and dropped afterwards. */
function postgresTarget(): Target & { schema: string } {
  const schema = `liveproof_test_${RUN}_${++schemaCount}`;
  const opened: Store[] = [];
  return {
    schema,
    open: () => {
      const store = createPostgresStore({ url: DATABASE_URL, schema, max: 10 });
      opened.push(store);
      return store;
    },
    dispose: async () => {
      for (const store of opened) await store.close();
      await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    },
  };
}

storeContract('PostgreSQL', postgresTarget);

describe('PostgreSQL store, shared-database specifics', () => {
  let target: Target & { schema: string };
  beforeEach(() => {
    target = postgresTarget();
  });
  afterEach(async () => {
    await target.dispose();
  });

  it('lets several instances migrate one new schema at the same time', async () => {
    const stores = Array.from({ length: 4 }, () => target.open());
    await Promise.all(stores.map((store) => store.migrate()));
    const versions = await admin`SELECT version FROM ${admin(target.schema)}.schema_migrations`;
    expect(versions.map((row) => row.version).sort()).toEqual([1, 2]);
    const tables = await admin`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${target.schema} ORDER BY table_name`;
    expect(tables.map((row) => row.table_name)).toEqual([
      'attempts',
      'events',
      'integrations',
      'rechecks',
      'reference_images',
      'schema_migrations',
      'sessions',
      'signing_keys',
      'webhook_endpoints',
      'webhook_messages',
    ]);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => createPostgresStore({ url: DATABASE_URL, schema: 'x"; DROP SCHEMA public; --' })).toThrow(TypeError);
  });
});
