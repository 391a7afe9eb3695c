/**
 * The `Store` contract, written once and run against each adapter: SQLite on a temporary file and
 * PostgreSQL (`LIVEPROOF_TEST_DATABASE_URL`, default the local `test` database) in a throwaway
 * schema. Every test gets a fresh, migrated database; each schema or file is removed afterwards.
 * Nothing is skipped when PostgreSQL is unreachable: those tests fail.
 *
 * The session rules the stores apply are the real ones (`domain/session-rules.ts`), handed in as
 * the stores receive them in production; what the stores must guarantee is that they run inside
 * the transaction, so that concurrent calls from two instances can never break them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChallengeId, ErrorCode, ReasonCode } from '@liveproof/protocol';
import { admit } from '../domain/session-rules.ts';
import { settlementRule } from '../domain/settlement.ts';
import { cryptoRandom } from '../random.ts';
import type {
  ApiKeyRecord,
  AttemptOutcome,
  AttemptRecord,
  AuditEvent,
  NewAttempt,
  NewIntegration,
  NewSession,
  NewWebhookMessage,
  SessionRecord,
  SigningKeyRecord,
  Store,
  WebhookEndpointRecord,
} from '../store.ts';
import { MAX_UDP_OBSERVATIONS_PER_UFRAG, type LinkKey } from '../store.ts';
import { MIGRATIONS } from './migrations.ts';
import { createPostgresStore } from './postgres/store.ts';
import { renderMigration } from './schema.ts';
import { createSqliteStore } from './sqlite/store.ts';
import { TABLES, UNMAPPED_TABLES } from './tables.ts';

/** A database for one test. `open()` gives another connection to it, like another server instance. */
interface Target {
  open(): Store;
  /** The table names and their columns, as the database has them. */
  columns(): Promise<Record<string, string[]>>;
  /** Applies only the first `upTo` migrations, as an older version of the server did. */
  migrateTo(upTo: number): Promise<void>;
  /** Runs raw SQL (to write rows as an older version would have). */
  exec(sql: string, params?: unknown[]): Promise<void>;
  dispose(): Promise<void>;
}

// ---- fixtures ----------------------------------------------------------------------------------

/** An attempt as stored, with its trace (which the store reads on its own). */
async function withTrace(store: Store, id: string) {
  return { ...(await store.getAttempt(id)), trace: await store.getAttemptTrace(id) };
}

/** 2025-06-02T09:30:00Z: epoch milliseconds do not fit in 32 bits, which BIGINT columns must survive. */
const T0 = Date.UTC(2025, 5, 2, 9, 30);

function integration(overrides: Partial<NewIntegration> = {}): NewIntegration {
  return {
    id: randomUUID(),
    name: 'Acme Hiring',
    purpose: null,
    origins: ['https://careers.acme.example'],
    virtualCameraPolicy: 'reject',
    signalPolicies: { datacenter_ip: 'reject', timezone_mismatch: 'record' },
    lightOptOutPolicy: 'flag',
    referenceImageDays: 30,
    highAssurance: 'required',
    frameEvidenceDays: 7,
    excludedChallenges: ['blink'],
    profileTurn: 'on',
    faceMatchDays: 30,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function apiKey(integrationId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id: `key_${randomUUID()}`, integrationId, hash: randomBytes(32).toString('hex'), hint: 'ab12', label: 'first', createdAt: T0, expiresAt: null, revokedAt: null, ...overrides };
}

function session(integrationId: string, overrides: Partial<NewSession> = {}): NewSession {
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
    claims: null,
    ...overrides,
  };
}

const open = (record: NewSession): SessionRecord => ({ ...record, status: 'open', statusAt: null });

function signingKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = randomUUID();
  return {
    kid,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: randomBytes(32).toString('base64url'), y: randomBytes(32).toString('base64url'), kid, use: 'sig' },
    privateSealed: `lps1.kek.${randomBytes(12).toString('base64url')}.${randomBytes(80).toString('base64url')}`,
    createdAt: T0,
    activatesAt: T0,
    retiredAt: null,
    ...overrides,
  };
}

function newAttempt(sessionId: string, overrides: Partial<NewAttempt> = {}): NewAttempt {
  return {
    id: randomUUID(),
    sessionId,
    kind: 'check',
    createdAt: T0 + 60_000,
    expiresAt: T0 + 180_000,
    nonce: randomBytes(16).toString('base64url'),
    challenges: [ChallengeId.TurnLeft, ChallengeId.Blink, ChallengeId.Smile],
    planToken: `eyJhbGciOiJFUzI1NiJ9.${randomBytes(48).toString('base64url')}.sig`,
    publicJwk: { kty: 'EC', crv: 'P-256', x: randomBytes(32).toString('base64url'), y: randomBytes(32).toString('base64url') },
    keyThumbprint: randomBytes(32).toString('base64url'),
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
    device: { cameraLabel: 'FaceTime HD Camera (Built-in) «front» 📷', width: 1280, height: 720, frameRate: 29.97, providedStream: false, webdriver: false, timeZone: 'Europe/Paris' },
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
    signals: ['virtual_camera'],
    trace: {
      v: 1,
      frames: [
        { t: -400, n: 1, box: [0.31, 0.22, 0.38, 0.51], pose: [1.5, -2.25, 0.125], bs: [0.02, 0.03, 0.1, 0.1, 0.05, 0.04, 0.01, 0.2], luma: 118.5 },
        { t: 0, n: 0, luma: 12.5 },
        { t: 33, n: 2, box: [-0.2, 0.2, 1.4, 1.1], pose: [-24.75, 3, -1], bs: [0.9, 0.88, 0.2, 0.2, 0.05, 0.04, 0.01, 0.2], luma: 97 },
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
    diagnostics: null,
    risk: null,
    faces: { policy: 'required', frames: 8, checks: ['present', 'pose', 'expression', 'light', 'one_person'], failed: [] },
    ...overrides,
  };
}

const failedOutcome = (overrides: Partial<AttemptOutcome> = {}): AttemptOutcome =>
  outcome({
    status: 'failed',
    reasons: [ReasonCode.NotPerformed, ReasonCode.TooDark],
    steps: [{ challenge: ChallengeId.TurnLeft, passed: false, reason: ReasonCode.NotPerformed }],
    signals: [],
    trace: null,
    timings: null,
    resultIp: null,
    resultUserAgent: null,
    diagnostics: { rejection: { code: 'invalid_result', details: { issues: [{ path: 'trace.frames.3.box.2', message: 'Too big' }] } } },
    risk: {
      observed: {
        http: { family: 4, scope: 'public', country: 'FR', lists: ['datacenter'] },
        lists: { date: '2026-08-22', source: 'X4BNet/lists_vpn@167937a' },
        udp: { relation: 'different_network', addresses: 2, address: { family: 4, scope: 'public', country: 'VN', lists: [] } },
        timeZone: { zone: 'Asia/Ho_Chi_Minh', zoneCountries: ['VN'], addressCountry: 'FR', agrees: false },
      },
      reported: { timeZone: 'Asia/Ho_Chi_Minh' },
      recorded: ['timezone_mismatch'],
    },
    ...overrides,
  });

/** What `createAttempt` must return, and `getAttempt` read back, for a new attempt. */
function started(attempt: NewAttempt, sequence: number, integrationId: string): AttemptRecord {
  return {
    ...attempt,
    integrationId,
    sequence,
    status: 'started',
    completedAt: null,
    reasons: [],
    steps: [],
    signals: [],
    timings: null,
    risk: null,
    resultIp: null,
    resultUserAgent: null,
    diagnostics: null,
    revokedAt: null,
    frameRequest: null,
    faces: null,
  };
}

async function seedIntegration(store: Store, overrides: Partial<NewIntegration> = {}, audiences = [`aud-${randomUUID()}`]) {
  const record = integration(overrides);
  expect(await store.insertIntegration(record, audiences)).toEqual({ taken: [] });
  return { ...record, audiences };
}

async function seedSession(store: Store, overrides: Partial<NewSession> = {}): Promise<SessionRecord> {
  const owner = await seedIntegration(store);
  const record = session(owner.id, overrides);
  await store.insertSession(record);
  return open(record);
}

/** Settles with the real rules and the given endpoints, at `now`. */
const settling = (endpoints: WebhookEndpointRecord[] = [], now = T0 + 101_500) => settlementRule(endpoints, now, cryptoRandom);

async function startAttempt(store: Store, sessionId: string, overrides: Partial<NewAttempt> = {}): Promise<AttemptRecord> {
  const result = await store.createAttempt(newAttempt(sessionId, overrides), admit);
  if (typeof result === 'string') throw new Error(`attempt refused: ${result}`);
  return result;
}

function endpoint(integrationId: string, overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    id: randomUUID(),
    integrationId,
    url: 'https://hooks.acme.example/liveproof?tenant=«4»',
    secretSealed: `lps1.kek.${randomBytes(12).toString('base64url')}.${randomBytes(40).toString('base64url')}`,
    events: ['attempt.completed', 'session.passed', 'session.failed'],
    createdAt: T0,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
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
    afterId: null,
    ...overrides,
  };
}

/** Puts messages in the outbox the way a result does: through a settle rule, in the result's transaction. */
async function enqueue(store: Store, sessionId: string, messages: NewWebhookMessage[]): Promise<AttemptRecord> {
  const attempt = await startAttempt(store, sessionId, { kind: 'recheck' });
  expect(await store.completeAttempt(attempt.id, failedOutcome(), () => ({ messages }))).toEqual({ status: null });
  return attempt;
}

const claim = (store: Store, now: number, extra: Partial<Parameters<Store['claimWebhookMessages']>[0]> = {}) =>
  store.claimWebhookMessages({ now, limit: 10, leaseMs: 30_000, perIntegration: 10, skipEndpoints: [], skipIntegrations: [], ...extra });

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

    describe('schema', () => {
      it('migrates again, twice, without touching the data', async () => {
        const record = await seedIntegration(store);
        await store.migrate();
        await target.open().migrate();
        expect(await store.getIntegration(record.id)).toEqual(record);
      });

      it('has exactly the columns the table definitions map, after every migration', async () => {
        const columns = await target.columns();
        const expected: Record<string, string[]> = { ...Object.fromEntries(TABLES.map((t) => [t.table, [...t.columns].sort()])) };
        for (const [table, cols] of Object.entries(UNMAPPED_TABLES)) expected[table] = [...cols].sort();
        // attempt_states maps a subset of attempts.
        expect(Object.fromEntries(Object.entries(columns).map(([t, c]) => [t, [...c].sort()]))).toEqual(expected);
      });

      it('upgrades a database written by the previous version, keeping its keys, audiences and secrets', async () => {
        const old = newTarget();
        try {
          await old.migrateTo(2);
          // As the previous version wrote them: one API key hash per integration, audiences as JSON,
          // private keys and webhook secrets in the clear, one integration named Development twice.
          await old.exec(
            `INSERT INTO integrations (id, name, api_key_hash, audiences, virtual_camera_policy, light_opt_out_policy, created_at, reference_image_days)
             VALUES ('int_old', 'Development', 'hash-old', '["demo-ats","shared"]', 'flag', 'flag', 1000, NULL),
                    ('int_new', 'Development', 'hash-new', '["shared","mine"]', 'reject', 'flag', 2000, 30)`,
          );
          await old.exec(`INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at, retired_at) VALUES ('k1', 'ES256', '{"kty":"EC"}', '{"kty":"EC","d":"secret"}', 1000, NULL)`);
          await old.exec(`INSERT INTO webhook_endpoints (id, integration_id, url, secret, events, created_at) VALUES ('whe_1', 'int_new', 'https://h.example/', 'whsec_abc', '["attempt.completed"]', 1500)`);
          await old.exec(
            `INSERT INTO sessions (id, integration_id, candidate_ref, interview_ref, audience, attempt_limit, challenge_count, token_ttl_seconds, created_at, expires_at)
             VALUES ('ses_done', 'int_new', 'c', 'i', 'mine', 1, 3, 600, 1000, 99999999999999), ('ses_gone', 'int_new', 'c', 'i', 'mine', 3, 3, 600, 1000, 2000)`,
          );
          const upgraded = old.open();
          await upgraded.migrate();
          expect((await upgraded.findApiKey('hash-new', 3000))?.integration.id).toBe('int_new');
          expect((await upgraded.findApiKey('hash-old', 3000))?.integration.id).toBe('int_old');
          // The oldest integration keeps an audience both claimed.
          expect((await upgraded.getIntegration('int_old'))!.audiences.sort()).toEqual(['demo-ats', 'shared']);
          expect((await upgraded.getIntegration('int_new'))!.audiences).toEqual(['mine']);
          expect((await upgraded.findIntegrationByPurpose('development'))!.id).toBe('int_new');
          expect(await upgraded.listLegacySigningKeys()).toEqual([{ kid: 'k1', privateJwk: { kty: 'EC', d: 'secret' } }]);
          expect(await upgraded.listSigningKeys()).toEqual([]);
          expect(await upgraded.listLegacyWebhookSecrets()).toEqual([{ id: 'whe_1', secret: 'whsec_abc' }]);
          expect((await upgraded.getSession('ses_gone'))!.status).toBe('expired');
          expect((await upgraded.getSession('ses_done'))!.status).toBe('open');
        } finally {
          await old.dispose();
        }
      });

      it('refuses work once closed', async () => {
        await store.close();
        await expect(store.getIntegration(randomUUID())).rejects.toThrow();
      });
    });

    describe('integrations, audiences and keys', () => {
      it('reads an integration back by id, by purpose and in the list, with its audiences', async () => {
        const record = await seedIntegration(store, { name: 'Ünïcode Recruiting — EMEA', purpose: 'demo' }, ['acme-ats', 'acme-ats-staging']);
        expect(await store.getIntegration(record.id)).toEqual(record);
        expect(await store.findIntegrationByPurpose('demo')).toEqual(record);
        expect(await store.findIntegrationByPurpose('development')).toBeNull();
        expect(await store.listIntegrations()).toEqual([record]);
        expect(await store.getIntegration(randomUUID())).toBeNull();
      });

      it('keeps audiences unique across integrations, at creation and when changed', async () => {
        const first = await seedIntegration(store, {}, ['acme-ats', 'shared']);
        expect(await store.insertIntegration(integration(), ['other', 'shared'])).toEqual({ taken: ['shared'] });
        const second = await seedIntegration(store, {}, ['other']);
        expect(await store.setAudiences(second.id, ['other', 'acme-ats'], T0 + 5)).toEqual({ taken: ['acme-ats'] });
        expect((await store.getIntegration(second.id))!.audiences).toEqual(['other']);
        expect(await store.setAudiences(first.id, ['acme-ats'], T0 + 6)).toEqual({ taken: [] });
        expect(await store.setAudiences(second.id, ['other', 'shared'], T0 + 7)).toEqual({ taken: [] });
        expect((await store.getIntegration(second.id))!).toMatchObject({ audiences: ['other', 'shared'], updatedAt: T0 + 7 });
      });

      it('lets only one of two integrations racing for an audience have it', async () => {
        const other = target.open();
        const results = await Promise.all([store.insertIntegration(integration(), ['contested']), other.insertIntegration(integration(), ['contested'])]);
        expect(results.map((r) => r.taken.length).sort()).toEqual([0, 1]);
        expect((await store.listIntegrations()).flatMap((i) => i.audiences)).toEqual(['contested']);
      });

      it('changes settings without touching the rest', async () => {
        const record = await seedIntegration(store);
        const updated = await store.updateIntegration(record.id, { origins: ['https://jobs.acme.example'], referenceImageDays: null }, T0 + 9);
        expect(updated).toEqual({ ...record, origins: ['https://jobs.acme.example'], referenceImageDays: null, updatedAt: T0 + 9 });
      });

      it('finds an API key only while it works: not revoked, not past its expiry', async () => {
        const owner = await seedIntegration(store);
        const key = apiKey(owner.id);
        await store.insertApiKey(key);
        expect(await store.findApiKey(key.hash, T0)).toEqual({ key, integration: owner });
        expect(await store.updateApiKey(owner.id, key.id, { expiresAt: T0 + 1000 })).toBe(true);
        expect((await store.findApiKey(key.hash, T0 + 999))?.key.expiresAt).toBe(T0 + 1000);
        expect(await store.findApiKey(key.hash, T0 + 1000)).toBeNull();
        const second = apiKey(owner.id, { createdAt: T0 + 1 });
        await store.insertApiKey(second);
        expect(await store.updateApiKey(randomUUID(), second.id, { revokedAt: T0 + 5 })).toBe(false);
        expect(await store.updateApiKey(owner.id, second.id, { revokedAt: T0 + 5 })).toBe(true);
        expect(await store.updateApiKey(owner.id, second.id, { revokedAt: T0 + 9 })).toBe(true);
        expect(await store.findApiKey(second.hash, T0)).toBeNull();
        expect((await store.listApiKeys(owner.id)).map((k) => [k.id, k.revokedAt])).toEqual([
          [key.id, null],
          [second.id, T0 + 5],
        ]);
        await expect(store.insertApiKey({ ...apiKey(owner.id), hash: key.hash })).rejects.toThrow();
      });

      it('finds an admin key until it is revoked', async () => {
        const key = { id: `adm_${randomUUID()}`, hash: randomBytes(32).toString('hex'), hint: 'zz99', label: 'ops', createdAt: T0, revokedAt: null };
        await store.insertAdminKey(key);
        expect(await store.findAdminKey(key.hash)).toEqual(key);
        expect(await store.revokeAdminKey(key.id, T0 + 1)).toBe(true);
        expect(await store.revokeAdminKey(key.id, T0 + 2)).toBe(false);
        expect(await store.findAdminKey(key.hash)).toBeNull();
        expect(await store.listAdminKeys()).toEqual([{ ...key, revokedAt: T0 + 1 }]);
      });
    });

    describe('signing keys', () => {
      it('lists every sealed key, newest first, and retires one once', async () => {
        expect(await store.listSigningKeys()).toEqual([]);
        const middle = signingKey({ createdAt: T0 + 1_000, activatesAt: T0 + 1_000 });
        const oldest = signingKey({ createdAt: T0, retiredAt: T0 + 1_000 });
        const newest = signingKey({ createdAt: T0 + 2_000, activatesAt: T0 + 90_000_000 });
        for (const key of [middle, oldest, newest]) await store.insertSigningKey(key);
        expect(await store.listSigningKeys()).toEqual([newest, middle, oldest]);
        await store.updateSigningKey(middle.kid, { retiredAt: T0 + 5_000 });
        await store.updateSigningKey(middle.kid, { retiredAt: T0 + 9_000, privateSealed: 'lps1.other.x.y' });
        expect((await store.listSigningKeys())[1]).toEqual({ ...middle, retiredAt: T0 + 5_000, privateSealed: 'lps1.other.x.y' });
      });
    });

    describe('sessions', () => {
      it('reads a session back with every field, open', async () => {
        const record = await seedSession(store, { attemptLimit: 5, challengeCount: 4, tokenTtlSeconds: 90 });
        expect(await store.getSession(record.id)).toEqual(record);
        expect(await store.getSession(randomUUID())).toBeNull();
      });

      it("keeps the candidate's claims exactly as sent, the phone number's formatting included", async () => {
        const claims = { country: 'US', city: 'Des Moines', timeZone: 'America/Chicago', phone: '001 (515) 555-0134' };
        const record = await seedSession(store, { claims });
        expect((await store.getSession(record.id))?.claims).toEqual(claims);
      });

      it('refuses a session of an unknown integration', async () => {
        const orphan = session(randomUUID());
        await expect(store.insertSession(orphan)).rejects.toThrow();
        expect(await store.getSession(orphan.id)).toBeNull();
      });

      it("lists one integration's sessions newest first, filtered and paged", async () => {
        const owner = await seedIntegration(store);
        const other = await seedIntegration(store);
        const records = [0, 1, 2, 3].map((i) => session(owner.id, { createdAt: T0 + i * 1000, candidateRef: i % 2 === 0 ? 'cand-even' : 'cand-odd', interviewRef: `itv-${i}` }));
        for (const record of records) await store.insertSession(record);
        await store.insertSession(session(other.id, { candidateRef: 'cand-even' }));
        const ids = (list: { id: string }[]) => list.map((r) => r.id);
        expect(ids(await store.listSessions(owner.id, { limit: 10 }))).toEqual(ids([...records].reverse()));
        expect(ids(await store.listSessions(owner.id, { limit: 10, candidateRef: 'cand-even' }))).toEqual([records[2]!.id, records[0]!.id]);
        expect(ids(await store.listSessions(owner.id, { limit: 10, interviewRef: 'itv-1' }))).toEqual([records[1]!.id]);
        expect(ids(await store.listSessions(owner.id, { limit: 10, createdFrom: T0 + 1000, createdTo: T0 + 3000 }))).toEqual([records[2]!.id, records[1]!.id]);
        const page = await store.listSessions(owner.id, { limit: 2 });
        expect(ids(await store.listSessions(owner.id, { limit: 2, before: page[1]! }))).toEqual([records[1]!.id, records[0]!.id]);
        expect(await store.listSessions(owner.id, { limit: 1 })).toEqual([open(records[3]!)]);
      });

      it('finds the sessions a sweep must settle, and settles each once', async () => {
        const expiring = await seedSession(store, { expiresAt: T0 + 100_000 });
        const abandoned = await seedSession(store, { attemptLimit: 1 });
        await startAttempt(store, abandoned.id); // plan expires at T0 + 180_000, never answered
        const busy = await seedSession(store);
        await startAttempt(store, busy.id, { expiresAt: T0 + 10_000_000 });
        const now = T0 + 200_000;
        expect((await store.sessionsToSettle(now, 10)).sort()).toEqual([expiring.id, abandoned.id].sort());
        expect(await store.settleSession(expiring.id, settling([], now), now)).toBe('expired');
        expect(await store.settleSession(abandoned.id, settling([], now), now)).toBe('failed');
        expect(await store.settleSession(abandoned.id, settling([], now), now)).toBeNull();
        expect(await store.getSession(abandoned.id)).toMatchObject({ status: 'failed', statusAt: now });
        expect(await store.sessionsToSettle(now, 10)).toEqual([]);
      });
    });

    describe('creating attempts', () => {
      it('stores a new attempt with every field and reads it back', async () => {
        const { id, integrationId } = await seedSession(store);
        const attempt = newAttempt(id);
        expect(await store.createAttempt(attempt, admit)).toEqual(started(attempt, 1, integrationId));
        expect(await store.getAttempt(attempt.id)).toEqual(started(attempt, 1, integrationId));
        expect(await store.listAttemptStates(id)).toEqual([
          { id: attempt.id, sessionId: id, sequence: 1, kind: 'check', status: 'started', createdAt: attempt.createdAt, expiresAt: attempt.expiresAt, completedAt: null, reasons: [] },
        ]);
        expect(await store.getAttempt(randomUUID())).toBeNull();
      });

      it('keeps missing request facts as null', async () => {
        const { id, integrationId } = await seedSession(store);
        const attempt = newAttempt(id, { ip: null, userAgent: null, device: null });
        await store.createAttempt(attempt, admit);
        expect(await store.getAttempt(attempt.id)).toEqual(started(attempt, 1, integrationId));
      });

      it('numbers attempts 1, 2, 3 and then refuses at the limit without storing anything', async () => {
        const { id, integrationId } = await seedSession(store, { attemptLimit: 3 });
        const attempts = [newAttempt(id), newAttempt(id), newAttempt(id)];
        for (const [index, attempt] of attempts.entries()) expect(await store.createAttempt(attempt, admit)).toEqual(started(attempt, index + 1, integrationId));
        const refused = newAttempt(id);
        expect(await store.createAttempt(refused, admit)).toBe('limit_reached');
        expect(await store.getAttempt(refused.id)).toBeNull();
        expect(await store.listAttempts(id)).toEqual(attempts.map((attempt, index) => started(attempt, index + 1, integrationId)));
      });

      it('asks the rule with the session and every attempt so far, inside the transaction', async () => {
        const owner = await seedSession(store);
        const seen: unknown[] = [];
        await store.createAttempt(newAttempt(owner.id), (s, attempts, kind) => (seen.push([s.id, attempts.length, kind]), null));
        await store.createAttempt(newAttempt(owner.id, { kind: 'recheck' }), (s, attempts, kind) => (seen.push([s.id, attempts.map((a) => a.kind), kind]), null));
        expect(await store.createAttempt(newAttempt(owner.id), () => 'session_closed')).toBe('session_closed');
        expect(seen).toEqual([
          [owner.id, 0, 'check'],
          [owner.id, ['check'], 'recheck'],
        ]);
      });

      it('lets a failed attempt be followed by another, but nothing after a pass', async () => {
        const { id } = await seedSession(store, { attemptLimit: 5 });
        const first = await startAttempt(store, id);
        await store.completeAttempt(first.id, failedOutcome(), settling());
        const second = await startAttempt(store, id);
        expect(second.sequence).toBe(2);
        await store.completeAttempt(second.id, outcome(), settling());
        expect(await store.createAttempt(newAttempt(id), admit)).toBe('session_passed');
      });

      it('refuses an attempt for an unknown session', async () => {
        const attempt = newAttempt(randomUUID());
        expect(await store.createAttempt(attempt, admit)).toBe('session_not_found');
        expect(await store.getAttempt(attempt.id)).toBeNull();
      });

      it('never exceeds the limit when ten attempts race from two instances', async () => {
        // On SQLite the calls cannot truly interleave (a synchronous driver in one thread); on
        // PostgreSQL they run on separate pooled connections of two stores, so the race is real.
        const { id } = await seedSession(store, { attemptLimit: 3 });
        const other = target.open();
        const results = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? store : other).createAttempt(newAttempt(id), admit)));
        const created = results.filter((result): result is AttemptRecord => typeof result !== 'string');
        expect(created.map((attempt) => attempt.sequence).sort((a, b) => a - b)).toEqual([1, 2, 3]);
        expect(results.filter((result) => result === 'limit_reached')).toHaveLength(7);
      });

      it('answers a re-check request once, only for its session and before it expires', async () => {
        const owner = await seedSession(store, { attemptLimit: 1 });
        const elsewhere = await seedSession(store);
        await store.insertRecheck({ id: 'rck_1', sessionId: owner.id, requestedAt: T0, expiresAt: T0 + 120_000, attemptId: null });
        expect(await store.listOpenRechecks(owner.id, T0 + 1)).toHaveLength(1);
        expect(await store.createAttempt(newAttempt(elsewhere.id, { kind: 'recheck' }), admit, { id: 'rck_1', now: T0 + 1 })).toBe('recheck_not_found');
        expect(await store.createAttempt(newAttempt(owner.id, { kind: 'recheck' }), admit, { id: 'rck_1', now: T0 + 120_001 })).toBe('recheck_not_found');
        const answer = await store.createAttempt(newAttempt(owner.id, { kind: 'recheck' }), admit, { id: 'rck_1', now: T0 + 1 });
        expect(answer).toMatchObject({ kind: 'recheck', sequence: 1 });
        expect(await store.createAttempt(newAttempt(owner.id, { kind: 'recheck' }), admit, { id: 'rck_1', now: T0 + 2 })).toBe('recheck_not_found');
        expect(await store.getRecheck('rck_1')).toMatchObject({ attemptId: (answer as AttemptRecord).id });
        expect(await store.listOpenRechecks(owner.id, T0 + 1)).toEqual([]);
      });
    });

    describe('completing attempts and settling sessions', () => {
      it('writes the outcome once and never overwrites it', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        const first = outcome();
        expect(await store.completeAttempt(attempt.id, first, settling())).toEqual({ status: 'passed' });
        expect(await withTrace(store, attempt.id)).toEqual({ ...attempt, ...first });
        expect(await store.completeAttempt(attempt.id, failedOutcome(), settling())).toBeNull();
        expect(await withTrace(store, attempt.id)).toEqual({ ...attempt, ...first });
        expect(await store.getSession(id)).toMatchObject({ status: 'passed', statusAt: first.completedAt });
      });

      it('stores a failed outcome with its reasons, nulls and diagnostics', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        expect(await store.completeAttempt(attempt.id, failedOutcome(), settling())).toEqual({ status: null });
        expect(await withTrace(store, attempt.id)).toEqual({ ...attempt, ...failedOutcome() });
      });

      it('answers null for an unknown attempt', async () => {
        expect(await store.completeAttempt(randomUUID(), outcome(), settling())).toBeNull();
      });

      it('keeps the first frame request of a started attempt, and none once it has a result', async () => {
        const { id } = await seedSession(store, { attemptLimit: 2 });
        const attempt = await startAttempt(store, id);
        const commitment = { traceDigest: 'A'.repeat(43), steps: [{ challenge: ChallengeId.Smile, promptedAt: 0, endedAt: 930 }], span: [-900, 2000] as [number, number], frameCount: 60 };
        const request = { commitment, moments: [{ t: -812.5, kind: 'baseline' as const }, { t: 1234, kind: 'action' as const, step: 0 }], at: T0 + 5_000 };
        expect(await store.setFrameRequest(attempt.id, request)).toBe(true);
        expect(await store.setFrameRequest(attempt.id, { ...request, commitment: { ...commitment, traceDigest: 'B'.repeat(43) } })).toBe(false);
        expect((await store.getAttempt(attempt.id))!.frameRequest).toEqual(request);
        const done = await startAttempt(store, id);
        await store.completeAttempt(done.id, failedOutcome(), settling());
        expect(await store.setFrameRequest(done.id, request)).toBe(false);
        expect(await store.setFrameRequest(randomUUID(), request)).toBe(false);
      });

      it('keeps high-assurance crops as evidence until they expire', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        const evidence = { attemptId: attempt.id, sessionId: id, frames: [{ t: 812.4, kind: 'flash' as const, data: '/9j/4AAQSkZJRgABAQ==' }], createdAt: T0, expiresAt: T0 + 1000 };
        await store.insertFrameEvidence(evidence);
        expect(await store.getFrameEvidence(attempt.id, T0 + 999)).toEqual(evidence);
        expect(await store.getFrameEvidence(attempt.id, T0 + 1000)).toBeNull();
        expect((await store.purge({ now: T0 + 1000, recordsBefore: 0, evidenceBefore: 0, linksBefore: 0 })).frameEvidence).toBe(1);
      });

      it("keeps a session's face for its re-checks until the session ends, the latest replacing the earlier", async () => {
        const { id } = await seedSession(store, { attemptLimit: 2 });
        const [a, b] = [await startAttempt(store, id), await startAttempt(store, id)];
        const face = { sessionId: id, attemptId: a.id, embeddings: [[0.0123, -0.5, 0.25], [0.1, 0.2, -0.3]], createdAt: T0, expiresAt: T0 + 5000 };
        await store.putSessionFace(face);
        expect(await store.getSessionFace(id, T0 + 1)).toEqual(face);
        const later = { ...face, attemptId: b.id, embeddings: [[1, 0, 0]], createdAt: T0 + 10 };
        await store.putSessionFace(later);
        expect(await store.getSessionFace(id, T0 + 1)).toEqual(later);
        expect(await store.getSessionFace(id, T0 + 5000)).toBeNull();
        expect((await store.purge({ now: T0 + 5000, recordsBefore: 0, evidenceBefore: 0, linksBefore: 0 })).sessionFaces).toBe(1);
      });

      it("keeps passed checks' faces for the integration's cross-candidate match: others' only, newest first, until deleted or expired", async () => {
        const owner = await seedIntegration(store);
        const elsewhere = await seedIntegration(store);
        const faces = [];
        for (const [i, [integrationId, candidateRef]] of ([[owner.id, 'persona-a'], [owner.id, 'persona-b'], [owner.id, 'persona-a'], [elsewhere.id, 'persona-c']] as const).entries()) {
          const record = session(integrationId, { candidateRef });
          await store.insertSession(record);
          const attempt = await startAttempt(store, record.id);
          const embeddings = new Uint8Array(new Float32Array([i, 0.5, -0.25]).buffer);
          const face = { sessionId: record.id, integrationId, candidateRef, attemptId: attempt.id, dimensions: 3, embeddings, createdAt: T0 + i, expiresAt: T0 + 5000 };
          await store.putIntegrationFace(face);
          faces.push(face);
        }
        // Another candidate's faces of this integration only, newest first, bytes as written.
        expect(await store.otherCandidateFaces(owner.id, 'persona-b', T0 + 10, 10)).toEqual([faces[2], faces[0]]);
        expect(await store.otherCandidateFaces(owner.id, 'persona-z', T0 + 10, 2)).toEqual([faces[2], faces[1]]);
        expect(await store.otherCandidateFaces(owner.id, 'persona-z', T0 + 5000, 10)).toEqual([]);
        expect(await store.deleteIntegrationFaces(owner.id)).toBe(3);
        expect(await store.otherCandidateFaces(owner.id, 'persona-z', T0 + 10, 10)).toEqual([]);
        expect((await store.purge({ now: T0 + 5000, recordsBefore: 0, evidenceBefore: 0, linksBefore: 0 })).integrationFaces).toBe(1);
      });

      it('accepts exactly one of two results racing from two instances, and transitions the session once', async () => {
        const owner = await seedSession(store, { attemptLimit: 2 });
        const [a, b] = [await startAttempt(store, owner.id), await startAttempt(store, owner.id)];
        const hooks = endpoint(owner.integrationId);
        await store.insertWebhookEndpoint(hooks);
        const other = target.open();
        const results = await Promise.all([store.completeAttempt(a.id, outcome(), settling([hooks])), other.completeAttempt(b.id, outcome(), settling([hooks]))]);
        // Both results are recorded (different attempts); the session passes once.
        expect(results.map((r) => r?.status ?? null).sort()).toEqual([null, 'passed']);
        const types = (await store.listWebhookMessages(owner.integrationId)).map((m) => m.type).sort();
        expect(types).toEqual(['attempt.completed', 'attempt.completed', 'session.passed']);
      });

      it('writes the messages with the result, chained in order, and none for a result that lost the race', async () => {
        const owner = await seedSession(store, { attemptLimit: 1 });
        const hook = endpoint(owner.integrationId);
        await store.insertWebhookEndpoint(hook);
        const attempt = await startAttempt(store, owner.id);
        expect(await store.completeAttempt(attempt.id, failedOutcome(), settling([hook]))).toEqual({ status: 'failed' });
        expect(await store.completeAttempt(attempt.id, outcome(), settling([hook]))).toBeNull();
        const stored = await store.listWebhookMessages(hook.integrationId);
        const completed = stored.find((m) => m.type === 'attempt.completed')!;
        expect(stored.find((m) => m.type === 'session.failed')).toMatchObject({ afterId: completed.id, status: 'pending', attempts: 0, nextAttemptAt: T0 + 101_500 });
        expect(stored).toHaveLength(2);
      });
    });

    describe('finding attempts, and revoking', () => {
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

      it("finds attempts by integration, candidate, status and reason, with their sessions", async () => {
        const first = await seedSession(store, { candidateRef: 'cand-a' });
        const second = session(first.integrationId, { candidateRef: 'cand-b' });
        await store.insertSession(second);
        const a1 = await startAttempt(store, first.id);
        const a2 = await startAttempt(store, first.id);
        const b1 = await startAttempt(store, second.id);
        const foreign = await seedSession(store);
        const f1 = await startAttempt(store, foreign.id);
        await store.completeAttempt(a1.id, failedOutcome(), settling());
        await store.completeAttempt(a2.id, outcome(), settling());
        const ids = (found: { attempt: AttemptRecord }[]) => found.map((f) => f.attempt.id).sort();
        const mine = { integrationId: first.integrationId, limit: 10 };
        expect(ids(await store.findAttempts(mine))).toEqual([a1.id, a2.id, b1.id].sort());
        expect(ids(await store.findAttempts({ limit: 10 }))).toEqual([a1.id, a2.id, b1.id, f1.id].sort());
        expect(ids(await store.findAttempts({ ...mine, candidateRef: 'cand-a' }))).toEqual([a1.id, a2.id].sort());
        expect(ids(await store.findAttempts({ ...mine, status: 'started' }))).toEqual([b1.id]);
        expect(ids(await store.findAttempts({ ...mine, reason: ReasonCode.TooDark }))).toEqual([a1.id]);
        expect(ids(await store.findAttempts({ ...mine, reason: 'multiple_faces' }))).toEqual([]);
        const [found] = await store.findAttempts({ ...mine, sessionId: second.id });
        expect(found).toEqual({ attempt: b1, session: open(second) });
      });

      it('revokes a completed attempt once, and never one still under way', async () => {
        const { id } = await seedSession(store);
        const attempt = await startAttempt(store, id);
        expect(await store.revokeAttempt(attempt.id, T0 + 1)).toBe(false);
        await store.completeAttempt(attempt.id, outcome(), settling());
        expect(await store.revokeAttempt(attempt.id, T0 + 200_000)).toBe(true);
        expect(await store.revokeAttempt(attempt.id, T0 + 300_000)).toBe(true);
        expect((await store.getAttempt(attempt.id))!.revokedAt).toBe(T0 + 200_000);
        expect(await store.revokeAttempt(randomUUID(), T0)).toBe(false);
      });
    });

    describe('webhook outbox', () => {
      async function seedEndpoint(overrides: Partial<WebhookEndpointRecord> = {}) {
        const owner = await seedSession(store);
        const hook = endpoint(owner.integrationId, overrides);
        await store.insertWebhookEndpoint(hook);
        return { session: owner, hook };
      }

      it("lists, changes and deletes only its own integration's endpoints", async () => {
        const { hook } = await seedEndpoint();
        const stranger = await seedIntegration(store);
        expect(await store.listWebhookEndpoints(hook.integrationId)).toEqual([hook]);
        expect(await store.updateWebhookEndpoint(stranger.id, hook.id, { disabledAt: T0 })).toBe(false);
        expect(await store.updateWebhookEndpoint(hook.integrationId, hook.id, { disabledAt: T0 + 1, disabledReason: 'by hand' })).toBe(true);
        expect((await store.listWebhookEndpoints(hook.integrationId))[0]).toMatchObject({ disabledAt: T0 + 1, disabledReason: 'by hand' });
        expect(await store.deleteWebhookEndpoint(stranger.id, hook.id)).toBe(false);
        expect(await store.deleteWebhookEndpoint(hook.integrationId, hook.id)).toBe(true);
        expect(await store.listWebhookEndpoints(hook.integrationId)).toEqual([]);
      });

      it('hands a due message to one instance at a time, and again once its lease has run out', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const sent = message(hook);
        await enqueue(store, owner.id, [sent]);
        const other = target.open();
        const now = T0 + 200_000;
        const [a, b] = await Promise.all([claim(store, now), claim(other, now)]);
        expect([...a, ...b].map((d) => d.message.id)).toEqual([sent.id]);
        expect([...a, ...b][0]!.endpoint).toEqual(hook);
        expect(await claim(store, now + 29_999)).toEqual([]);
        expect((await claim(store, now + 30_000)).map((d) => d.message.id)).toEqual([sent.id]);
      });

      it('holds a message until the one it follows is delivered or given up', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const first = message(hook);
        const second = message(hook, { type: 'session.failed', afterId: first.id });
        await enqueue(store, owner.id, [first, second]);
        expect((await claim(store, T0 + 200_000)).map((d) => d.message.id)).toEqual([first.id]);
        await store.recordWebhookAttempt(first.id, { at: T0 + 200_001, delivered: false, responseStatus: 500, error: 'http_status', retryAt: T0 + 205_000, disableAfter: 20 });
        expect(await claim(store, T0 + 204_000)).toEqual([]);
        await store.recordWebhookAttempt(first.id, { at: T0 + 205_000, delivered: true, responseStatus: 204, error: null, retryAt: null, disableAfter: 20 });
        expect((await claim(store, T0 + 205_001)).map((d) => d.message.id)).toEqual([second.id]);
      });

      it('claims fairly: at most so many per integration, none of skipped endpoints or disabled ones', async () => {
        const busy = await seedEndpoint();
        const quiet = await seedEndpoint();
        const off = await seedEndpoint({ disabledAt: T0, disabledReason: 'failing' });
        const flood = Array.from({ length: 6 }, () => message(busy.hook));
        await enqueue(store, busy.session.id, flood);
        const one = message(quiet.hook, { createdAt: T0 + 200_000 });
        await enqueue(store, quiet.session.id, [one]);
        await enqueue(store, off.session.id, [message(off.hook)]);
        // Oldest first, but the quiet integration's message is in the first claim all the same.
        const claimed = await claim(store, T0 + 300_000, { limit: 3, perIntegration: 2 });
        expect(claimed.map((d) => d.message.integrationId).sort()).toEqual([busy.hook.integrationId, busy.hook.integrationId, quiet.hook.integrationId].sort());
        expect(await claim(store, T0 + 300_000, { skipEndpoints: [busy.hook.id] })).toEqual([]);
        expect((await claim(store, T0 + 300_000, { skipIntegrations: [quiet.hook.integrationId] })).map((d) => d.message.endpointId)).toEqual(
          Array(4).fill(busy.hook.id),
        );
      });

      it('records attempts, counts failures in a row, and disables the endpoint at the limit', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const messages = [message(hook), message(hook), message(hook)];
        await enqueue(store, owner.id, messages);
        const fail = (id: string, at: number) => store.recordWebhookAttempt(id, { at, delivered: false, responseStatus: null, error: 'timeout', retryAt: at + 5_000, disableAfter: 3 });
        expect(await fail(messages[0]!.id, T0 + 1)).toEqual({ endpointDisabled: false });
        await store.recordWebhookAttempt(messages[1]!.id, { at: T0 + 2, delivered: true, responseStatus: 200, error: null, retryAt: null, disableAfter: 3 });
        expect((await store.listWebhookEndpoints(hook.integrationId))[0]!.consecutiveFailures).toBe(0);
        expect(await fail(messages[0]!.id, T0 + 3)).toEqual({ endpointDisabled: false });
        expect(await fail(messages[2]!.id, T0 + 4)).toEqual({ endpointDisabled: false });
        expect(await fail(messages[0]!.id, T0 + 5)).toEqual({ endpointDisabled: true });
        expect((await store.listWebhookEndpoints(hook.integrationId))[0]).toMatchObject({ disabledAt: T0 + 5, consecutiveFailures: 3, disabledReason: '3 deliveries failed in a row (last: timeout)' });
        const byId = new Map((await store.listWebhookMessages(hook.integrationId)).map((m) => [m.id, m]));
        expect(byId.get(messages[0]!.id)).toMatchObject({ status: 'pending', attempts: 3, lastError: 'timeout' });
        expect(byId.get(messages[1]!.id)).toMatchObject({ status: 'delivered', deliveredAt: T0 + 2, nextAttemptAt: null });
        // Re-enabled: the count starts again.
        await store.updateWebhookEndpoint(hook.integrationId, hook.id, { disabledAt: null, disabledReason: null });
        expect((await store.listWebhookEndpoints(hook.integrationId))[0]).toMatchObject({ disabledAt: null, consecutiveFailures: 0 });
      });

      it('gives a message up after its last try, and when its endpoint is deleted', async () => {
        const { session: owner, hook } = await seedEndpoint();
        const [last, orphan] = [message(hook), message(hook)];
        await enqueue(store, owner.id, [last, orphan]);
        await store.recordWebhookAttempt(last.id, { at: T0 + 200_000, delivered: false, responseStatus: null, error: 'connection_failed', retryAt: null, disableAfter: 20 });
        await store.deleteWebhookEndpoint(hook.integrationId, hook.id);
        const byId = new Map((await store.listWebhookMessages(hook.integrationId)).map((m) => [m.id, m]));
        expect(byId.get(last.id)).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastError: 'connection_failed' });
        expect(byId.get(orphan.id)).toMatchObject({ status: 'failed', attempts: 0, lastError: 'endpoint_deleted' });
        expect(await claim(store, T0 + 10_000_000)).toEqual([]);
      });
    });

    describe('audit, refusal counts, revocations and retention', () => {
      it('appends events and lists them by session, attempt and integration, in insertion order', async () => {
        const one = await seedSession(store);
        const two = await seedSession(store);
        const attempt = await startAttempt(store, one.id);
        const base = { ip: '203.0.113.7', userAgent: 'curl/8.7.1', code: null };
        const events: AuditEvent[] = [
          { ...base, at: T0, type: 'session.created', sessionId: one.id, attemptId: null, integrationId: one.integrationId, detail: { candidateRef: one.candidateRef, options: { challengeCount: 3, tags: ['a', 'b'] } } },
          { ...base, at: T0 + 1, type: 'session.created', sessionId: two.id, attemptId: null, integrationId: two.integrationId, detail: {} },
          { ...base, at: T0 + 2, type: 'attempt.started', sessionId: one.id, attemptId: attempt.id, integrationId: null, detail: { sequence: 1 } },
          { at: T0 + 3, type: 'result.refused', sessionId: one.id, attemptId: attempt.id, integrationId: null, code: ErrorCode.ResultAlreadySubmitted, ip: null, userAgent: null, detail: { note: 'replay «x»', nested: { n: 1.5, ok: false, none: null } } },
        ];
        for (const event of events) await store.appendEvent(event);
        const all = await store.listEvents({});
        expect(all.map(({ id: _id, ...event }) => event)).toEqual(events);
        expect(new Set(all.map((e) => e.id)).size).toBe(events.length);
        expect(await store.listEvents({ sessionId: one.id })).toEqual([all[0], all[2], all[3]]);
        expect(await store.listEvents({ attemptId: attempt.id })).toEqual([all[2], all[3]]);
        expect(await store.listEvents({ integrationId: two.integrationId })).toEqual([all[1]]);
        expect(await store.listEvents({ sessionId: two.id, attemptId: attempt.id })).toEqual([]);
      });

      it('adds refusal counts into one row per window, route and code', async () => {
        await store.addRefusalCounts([
          { windowStart: T0, route: 'page', code: 'unauthorized', count: 5 },
          { windowStart: T0, route: 'hiring', code: 'rate_limited', count: 7 },
        ]);
        await store.addRefusalCounts([{ windowStart: T0, route: 'page', code: 'unauthorized', count: 3 }]);
        expect(await store.listRefusalCounts(T0)).toEqual([
          { windowStart: T0, route: 'hiring', code: 'rate_limited', count: 7 },
          { windowStart: T0, route: 'page', code: 'unauthorized', count: 8 },
        ]);
      });

      it('remembers a revoked token until it would have expired, for its own session only', async () => {
        expect(await store.isTokenRevoked('vt_1', 'ses_1')).toBe(false);
        // Revoked first through another session: that neither counts nor stops the real revocation.
        await store.revokeToken('vt_1', 'ses_other', T0 + 1000, T0);
        expect(await store.isTokenRevoked('vt_1', 'ses_1')).toBe(false);
        await store.revokeToken('vt_1', 'ses_1', T0 + 1000, T0);
        await store.revokeToken('vt_1', 'ses_1', T0 + 1000, T0 + 5);
        expect(await store.isTokenRevoked('vt_1', 'ses_1')).toBe(true);
        expect((await store.purge({ now: T0 + 1000, recordsBefore: 0, evidenceBefore: 0, linksBefore: 0 })).revokedTokens).toBe(2);
        expect(await store.isTokenRevoked('vt_1', 'ses_1')).toBe(false);
      });

      it('keeps the source addresses of a ufrag, counting repeats, and at most eight of them', async () => {
        await store.recordUdpObservation({ ufrag: 'abcdefgh12345678', ip: '198.51.100.9', port: 40_000, at: T0 });
        await store.recordUdpObservation({ ufrag: 'abcdefgh12345678', ip: '198.51.100.9', port: 40_000, at: T0 + 1_500 });
        for (let i = 0; i < 12; i++) await store.recordUdpObservation({ ufrag: 'abcdefgh12345678', ip: `203.0.113.${i}`, port: 40_001, at: T0 + 2_000 + i });
        const seen = await store.listUdpObservations('abcdefgh12345678');
        expect(seen).toHaveLength(MAX_UDP_OBSERVATIONS_PER_UFRAG);
        expect(seen[0]).toEqual({ ufrag: 'abcdefgh12345678', ip: '198.51.100.9', port: 40_000, firstAt: T0, lastAt: T0 + 1_500, count: 2 });
        expect(await store.listUdpObservations('another000000000')).toEqual([]);
      });

      it('finds attempts that expired without a result and records their facts once', async () => {
        const owner = await seedSession(store);
        const open = await startAttempt(store, owner.id, { createdAt: T0, expiresAt: T0 + 1000 });
        const done = await startAttempt(store, owner.id, { createdAt: T0, expiresAt: T0 + 1000 });
        await store.completeAttempt(done.id, outcome(), settling([]));
        const ids = async (now: number) => (await store.attemptsWithoutFacts(now, 10)).map((a) => a.id);
        expect(await ids(T0 + 999)).toEqual([]);
        expect(await ids(T0 + 1000)).toEqual([open.id]);
        const risk = { observed: { http: null, lists: null, udp: null }, reported: {}, recorded: [] };
        expect(await store.recordAttemptFacts(open.id, risk)).toBe(true);
        expect(await store.recordAttemptFacts(open.id, risk)).toBe(false);
        expect(await store.recordAttemptFacts(done.id, risk)).toBe(false);
        expect(await ids(T0 + 5000)).toEqual([]);
        expect((await store.getAttempt(open.id))!.risk).toEqual(risk);
      });

      it("finds other candidates' sessions by keyed hash within the window, one integration at a time, then records the keys", async () => {
        const a = await seedSession(store, { candidateRef: 'cand-a' });
        const key = (session: SessionRecord, hash: string, seenAt: number, kind: LinkKey['kind'] = 'address') => ({ integrationId: session.integrationId, hash, kind, sessionId: session.id, candidateRef: session.candidateRef, seenAt });
        expect(await store.linkKeys([key(a, 'h-address', T0), key(a, 'h-device', T0, 'device')], T0 - 1000, 10)).toEqual([]);
        // The same candidate again is no link; a key seen again moves its time on.
        const again = { ...a, id: randomUUID() };
        await store.insertSession(again);
        expect(await store.linkKeys([key(again, 'h-address', T0 + 10)], T0 - 1000, 10)).toEqual([]);
        const b = { ...a, id: randomUUID(), candidateRef: 'cand-b' };
        await store.insertSession(b);
        const found = await store.linkKeys([key(b, 'h-address', T0 + 20), key(b, 'h-device', T0 + 20, 'device'), key(b, 'h-other', T0 + 20)], T0 - 1000, 10);
        expect(found.map((f) => [f.kind, f.candidateRef, f.sessionId]).sort()).toEqual([['address', 'cand-a', a.id], ['address', 'cand-a', again.id], ['device', 'cand-a', a.id]].sort());
        // Outside the window: nothing.
        const c = { ...a, id: randomUUID(), candidateRef: 'cand-c' };
        await store.insertSession(c);
        expect(await store.linkKeys([key(c, 'h-device', T0 + 30, 'device')], T0 + 25, 10)).toEqual([]);
        expect(await store.linkKeys([key(c, 'h-device', T0 + 31, 'device')], T0 + 15, 10)).toMatchObject([{ candidateRef: 'cand-b', seenAt: T0 + 20 }]);
        // Another integration's identical hash is no link (its own keys are hashed with its id anyway).
        const other = await seedSession(store, { candidateRef: 'cand-z' });
        expect(await store.linkKeys([key(other, 'h-address', T0 + 40)], T0 - 1000, 10)).toEqual([]);
      });

      it('purges records and clears evidence older than their retention, keeping verdicts', async () => {
        const owner = await seedSession(store);
        const hook = endpoint(owner.integrationId);
        await store.insertWebhookEndpoint(hook);
        const old = await startAttempt(store, owner.id, { createdAt: T0 });
        await store.completeAttempt(old.id, outcome(), settling([hook]));
        const recent = await startAttempt(store, owner.id, { kind: 'recheck', createdAt: T0 + 50_000_000 });
        await store.appendEvent({ at: T0, type: 'x', sessionId: owner.id, attemptId: null, integrationId: null, code: null, ip: '203.0.113.7', userAgent: 'ua', detail: {} });
        await store.appendEvent({ at: T0 + 50_000_000, type: 'y', sessionId: owner.id, attemptId: null, integrationId: null, code: null, ip: null, userAgent: null, detail: {} });
        await store.addRefusalCounts([{ windowStart: T0, route: 'page', code: 'unauthorized', count: 1 }]);
        await store.recordUdpObservation({ ufrag: 'oldufrag00000000', ip: '203.0.113.7', port: 50_000, at: T0 });
        await store.recordUdpObservation({ ufrag: 'newufrag00000000', ip: '203.0.113.7', port: 50_000, at: T0 + 50_000_000 });
        const link = (hash: string, seenAt: number) => ({ integrationId: owner.integrationId, hash, kind: 'device' as const, sessionId: owner.id, candidateRef: 'a', seenAt });
        await store.linkKeys([link('old-key', T0), link('new-key', T0 + 50_000_000)], 0, 10);
        for (const m of await store.listWebhookMessages(hook.integrationId)) {
          await store.recordWebhookAttempt(m.id, { at: T0 + 1, delivered: true, responseStatus: 204, error: null, retryAt: null, disableAfter: 20 });
        }
        const counts = await store.purge({ now: T0 + 60_000_000, recordsBefore: T0 + 1_000_000, evidenceBefore: T0 + 1_000_000, linksBefore: T0 + 1_000_000 });
        expect(counts).toEqual({ events: 1, refusalCounts: 1, webhookMessages: 2, attemptsCleared: 1, referenceImages: 0, frameEvidence: 0, sessionFaces: 0, integrationFaces: 0, revokedTokens: 0, udpObservations: 1, linkKeys: 1 });
        expect(await store.listUdpObservations('oldufrag00000000')).toEqual([]);
        expect(await store.listUdpObservations('newufrag00000000')).toHaveLength(1);
        expect(await store.getAttempt(old.id)).toMatchObject({ status: 'passed', reasons: [], steps: outcome().steps, ip: null, userAgent: null, resultIp: null, resultUserAgent: null, device: null });
        expect(await store.getAttemptTrace(old.id)).toBeNull();
        expect((await store.getAttempt(recent.id))!.ip).toBe('203.0.113.7');
        expect((await store.listEvents({})).map((e) => e.type)).toEqual(['y']);
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
  const raw = () => new Database(path);
  return {
    path,
    open: () => {
      const store = createSqliteStore({ path });
      opened.push(store);
      return store;
    },
    async columns() {
      const db = raw();
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
        return Object.fromEntries(tables.map((t) => [t, (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name)]));
      } finally {
        db.close();
      }
    },
    async migrateTo(upTo) {
      const { mkdirSync } = await import('node:fs');
      const { dirname } = await import('node:path');
      mkdirSync(dirname(path), { recursive: true });
      const db = raw();
      try {
        db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
        for (const migration of MIGRATIONS.filter((m) => m.version <= upTo)) {
          db.exec(renderMigration('sqlite', migration));
          db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, T0);
        }
      } finally {
        db.close();
      }
    },
    async exec(sql) {
      const db = raw();
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
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

  it('creates the parent directories and a WAL-mode file that survives a killed process (synchronous NORMAL)', async () => {
    expect(existsSync(target.path)).toBe(false);
    await target.open().migrate();
    const raw = new Database(target.path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      raw.close();
    }
  });

  it('keeps the data across close and reopen', async () => {
    const store = target.open();
    await store.migrate();
    const record = await seedSession(store);
    const attempt = await startAttempt(store, record.id);
    await store.completeAttempt(attempt.id, outcome(), settling());
    await store.close();

    const reopened = target.open();
    await reopened.migrate();
    expect(await reopened.getSession(record.id)).toEqual({ ...record, status: 'passed', statusAt: outcome().completedAt });
    expect(await withTrace(reopened, attempt.id)).toEqual({ ...attempt, ...outcome() });
    expect(await reopened.createAttempt(newAttempt(record.id), admit)).toBe('session_passed');
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
    async columns() {
      const rows = await admin`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ${schema} ORDER BY table_name, ordinal_position`;
      const out: Record<string, string[]> = {};
      for (const row of rows) (out[row.table_name as string] ??= []).push(row.column_name as string);
      return out;
    },
    async migrateTo(upTo) {
      await admin`CREATE SCHEMA ${admin(schema)}`;
      await admin.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL search_path TO ${schema}`);
        await tx`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;
        for (const migration of MIGRATIONS.filter((m) => m.version <= upTo)) {
          await tx.unsafe(renderMigration('postgres', migration)).simple();
          await tx`INSERT INTO schema_migrations ${tx({ version: migration.version, applied_at: T0 })}`;
        }
      });
    },
    async exec(sql) {
      await admin.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL search_path TO ${schema}`);
        await tx.unsafe(sql);
      });
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
    expect(versions.map((row) => Number(row.version)).sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => createPostgresStore({ url: DATABASE_URL, schema: 'x"; DROP SCHEMA public; --' })).toThrow(TypeError);
  });
});
