/**
 * Runtime schemas for everything that crosses a trust boundary. Bounds are deliberate: they cap
 * what a hostile client can make the server parse and store.
 */
import { z } from 'zod';
import { LOCAL_ADDRESS_CLASSES } from './device-classes.ts';
import { CHALLENGE_IDS, MOTION_CHALLENGE_IDS, type ChallengeId } from './challenges.ts';
import { FACE_BOX_LIMITS, LIGHT_COLOURS, TRACE_BLENDSHAPES, TRACE_VERSION, isWellFormedText, type DeviceInfo, type Trace } from './trace.ts';
import { MAX_FRAME_BYTES, MAX_FRAME_MOMENTS, type FrameRequestPayload } from './frames.ts';
import type { CreateSessionRequest, ProgressRequest, ResultPayload, RttRequest, StartAttemptRequest, StopPayload } from './wire.ts';

/** At 30 frames a second, ten minutes of frames: far beyond any check. */
export const MAX_TRACE_FRAMES = 18_000;
export const MAX_STEPS = 8;
/** A reference image is small on purpose: about 48 KB of JPEG at most. */
export const MAX_REFERENCE_IMAGE_BASE64 = 64_000;
export const MAX_FLASHES = 16;
/** A high-assurance crop: `MAX_FRAME_BYTES` of JPEG as base64. */
export const MAX_FRAME_BASE64 = Math.ceil(MAX_FRAME_BYTES / 3) * 4;

/**
 * Text without control characters and without lone UTF-16 surrogates: PostgreSQL refuses NUL and
 * unpaired surrogates in jsonb, SQLite would store them, and none belongs in these fields.
 */
export const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'control characters are not allowed')
    .refine(isWellFormedText, 'unpaired UTF-16 surrogates are not allowed');
const ref = plainText(200).trim().min(1);
const finite = z.number().finite();
const unit = z.number().min(0).max(1);



export const challengeIdSchema = z.enum(CHALLENGE_IDS as [ChallengeId, ...ChallengeId[]]);

export const createSessionSchema = z.strictObject({
  candidateRef: ref,
  interviewRef: ref.optional(),
  audience: ref,
  attemptLimit: z.number().int().min(1).max(10).optional(),
  // An opt-out plan has one more movement than this, and there are six movements.
  challengeCount: z.number().int().min(2).max(MOTION_CHALLENGE_IDS.length - 1).optional(),
  tokenTtlSeconds: z.number().int().min(60).max(7 * 24 * 3600).optional(),
  expiresInSeconds: z.number().int().min(300).max(30 * 24 * 3600).optional(),
  claims: z
    .strictObject({
      country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. US').optional(),
      city: plainText(100).trim().min(1).optional(),
      timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone, e.g. America/Chicago').optional(),
      phone: plainText(40).trim().min(1).optional(),
    })
    .optional(),
}) satisfies z.ZodType<CreateSessionRequest>;

/** Whether the platform knows `zone` as a time zone (IANA names and their aliases). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

export const publicJwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: b64url.length(43),
  y: b64url.length(43),
  // Browsers add these when exporting; they carry no key material.
  ext: z.boolean().optional(),
  key_ops: z.array(plainText(20)).max(4).optional(),
});

export const deviceSchema = z.strictObject({
  cameraLabel: plainText(300),
  width: z.number().int().min(0).max(10_000),
  height: z.number().int().min(0).max(10_000),
  frameRate: finite.min(0).max(1000).optional(),
  userAgent: plainText(500).optional(),
  providedStream: z.boolean().optional(),
  deviceId: z.boolean().optional(),
  groupId: z.boolean().optional(),
  canvasTrack: z.boolean().optional(),
  webdriver: z.boolean().optional(),
  timeZone: plainText(100).optional(),
  renderer: z.enum(['hardware', 'software', 'virtual_machine', 'none']).optional(),
  frameHz: finite.min(0).max(1000).optional(),
  fingerprint: b64url.length(43).optional(),
}) satisfies z.ZodType<DeviceInfo>;

export const startAttemptSchema = z.strictObject({
  publicKey: publicJwkSchema,
  device: deviceSchema.optional(),
  lightOptOut: z.boolean().optional(),
  recheckId: z.string().regex(/^[a-z]{2,4}_[a-z0-9]{8,40}$/).optional(),
}) satisfies z.ZodType<StartAttemptRequest>;

export const traceFrameSchema = z.strictObject({
  t: finite.min(-60_000).max(3_600_000),
  n: z.number().int().min(0).max(10),
  box: z
    .tuple([
      finite.min(FACE_BOX_LIMITS.min).max(FACE_BOX_LIMITS.max),
      finite.min(FACE_BOX_LIMITS.min).max(FACE_BOX_LIMITS.max),
      finite.min(0).max(FACE_BOX_LIMITS.maxSize),
      finite.min(0).max(FACE_BOX_LIMITS.maxSize),
    ])
    .optional(),
  pose: z.tuple([finite.min(-180).max(180), finite.min(-180).max(180), finite.min(-180).max(180)]).optional(),
  bs: z.array(unit).length(TRACE_BLENDSHAPES.length).optional(),
  luma: finite.min(0).max(255),
  rgb: z.tuple([finite.min(0).max(255), finite.min(0).max(255), finite.min(0).max(255)]).optional(),
});

export const traceSchema = z.strictObject({
  v: z.literal(TRACE_VERSION),
  frames: z.array(traceFrameSchema).max(MAX_TRACE_FRAMES),
  steps: z
    .array(
      z.strictObject({
        challenge: challengeIdSchema,
        promptedAt: finite,
        endedAt: finite,
        flashes: z.array(z.strictObject({ colour: z.enum(LIGHT_COLOURS), at: finite })).max(MAX_FLASHES).optional(),
      }),
    )
    .max(MAX_STEPS),
}) satisfies z.ZodType<Trace>;

export const resultPayloadSchema = z.strictObject({
  v: z.literal(1),
  attemptId: plainText(100),
  nonce: plainText(100),
  planToken: plainText(4000),
  trace: traceSchema,
  device: deviceSchema,
  sentAt: finite,
  referenceImage: z
    .strictObject({ type: z.literal('image/jpeg'), data: z.string().max(MAX_REFERENCE_IMAGE_BASE64).regex(/^[A-Za-z0-9+/]+={0,2}$/) })
    .optional(),
  frames: z
    .array(z.strictObject({ t: finite.min(-60_000).max(3_600_000), data: z.string().max(MAX_FRAME_BASE64).regex(/^[A-Za-z0-9+/]+={0,2}$/) }))
    .max(MAX_FRAME_MOMENTS)
    .optional(),
  network: z
    .strictObject({
      rtt: z.string().max(600).regex(/^[A-Za-z0-9._-]+$/).optional(),
      udpRttMs: finite.min(0).max(60_000).optional(),
      localAddresses: z.array(z.enum(LOCAL_ADDRESS_CLASSES)).max(LOCAL_ADDRESS_CLASSES.length).optional(),
      localSet: b64url.length(43).optional(),
    })
    .optional(),
}) satisfies z.ZodType<ResultPayload>;

/** `POST /v1/attempts/{id}/frames`: the commitment to the trace, before the server draws the moments. */
export const frameRequestPayloadSchema = z.strictObject({
  v: z.literal(1),
  attemptId: plainText(100),
  nonce: plainText(100),
  commitment: z.strictObject({
    traceDigest: b64url.length(43),
    steps: traceSchema.shape.steps,
    span: z.tuple([finite.min(-60_000).max(3_600_000), finite.min(-60_000).max(3_600_000)]),
    frameCount: z.number().int().min(0).max(MAX_TRACE_FRAMES),
  }),
}) satisfies z.ZodType<FrameRequestPayload>;

export const rttRequestSchema = z.strictObject({
  echo: z.string().max(600).regex(/^[A-Za-z0-9._-]+$/).optional(),
  restart: z.boolean().optional(),
}) satisfies z.ZodType<RttRequest>;



/**
 * The payload the element signs when the candidate stops the flashing colours (Esc): the attempt
 * ends without using up one of the session's attempts.
 */
export const stopPayloadSchema = z.strictObject({
  v: z.literal(1),
  attemptId: plainText(100),
  nonce: plainText(100),
  stop: z.literal('flashing'),
  sentAt: finite,
}) satisfies z.ZodType<StopPayload>;

/** Ids in paths: what the server issues (`ses_…`, `att_…`), nothing else. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'not a Liveproof id');

export const submitResultSchema = z.strictObject({
  result: z.string().min(1).max(2_000_000),
});

export const progressSchema = z.strictObject({
  index: z.number().int().min(0).max(MAX_STEPS - 1),
  challenge: challengeIdSchema,
}) satisfies z.ZodType<ProgressRequest>;

/** `POST /v1/sessions/{id}/viewer-tokens`: what an interviewer's badge may do, and for how long. */
export const viewerTokenSchema = z.strictObject({
  ttlSeconds: z.number().int().min(60).max(24 * 3600).optional(),
  /** Whether the badge may also ask for a witnessed re-check. */
  recheck: z.boolean().optional(),
});
