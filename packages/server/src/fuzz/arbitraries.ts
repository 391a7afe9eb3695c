/**
 * Random and adversarial input for the fuzz tests: strings with NUL and other control characters,
 * lone surrogates, injection classics and oversized lengths; numbers at and past every limit;
 * deeply nested, truncated and non-JSON bodies; wrong content types; malformed authorization
 * headers; and values drawn from a route's own OpenAPI schema, then bent one field at a time.
 */
import fc from 'fast-check';

/** Characters that break naive code. */
const NASTY_CHARS = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u202e', '\ufeff', '\ufffd',
  '\ud800', '\udbff', '\udc00', '\udfff', '\u{1f600}', '\u{10ffff}', '"', '\\', "'", '%', '/', '.', '<', '>', '&', '=', '?', '#', '+', ';', ',', ' ',
];

const SPECIAL_STRINGS = [
  '', ' ', 'null', 'undefined', 'true', '0', '-1', 'NaN', '1e999', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  "' OR '1'='1", '"; DROP TABLE sessions; --', '${7*7}', '<script>alert(1)</script>', '../../../etc/passwd', '%00', '%ZZ', '%ED%A0%80',
  'a\u0000b', '\ud800', 'x\udc00', '\udc00\ud800', 'ats-test', 'other-ats', 'dev-ats', 'https://evil.example', 'a'.repeat(101), 'a'.repeat(201), 'a'.repeat(2001), 'a'.repeat(4001),
];

const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARS) },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);

/** Any string worth trying: random, nasty, or a known troublemaker. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(char, { maxLength: 40 }).map((chars) => chars.join('')) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const SPECIAL_NUMBERS = [0, -0, 1, -1, 0.5, 2, 5, 10, 11, 59, 60, 299, 300, 86_400, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, 1e21, 1e308, -1e308, 5e-324];

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...SPECIAL_NUMBERS), fc.integer(), fc.double());

const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin', 'id', 'integrationId', 'status', ''), nastyString);

/** Any JSON value, nested a little. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Bodies that are not the JSON a route expects: truncated, deep, binary, huge, polluting. */
export const rawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom(
    '', '{', '{"', '{"a":', '[', 'nul', 'tru', '{"candidateRef": "x"', '{"a":1}}', '"\\ud800"', '{"a":"\\u0000"}', '{"a":"\\udc00\\ud800"}',
    '{"a": 1e999}', '{"a": -1e999}', '{"a": 123456789012345678901234567890}', 'null', '0', '"text"', '[]', 'true', '\ufeff{}', '{}\u0000', '{} {}',
    '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', 'token=x&token=y', 'token=%ZZ', 'token=',
    nested(10_000, '[', ']'), nested(6_000, '{"a":', '}'), nested(100_000, '[', ']'),
  ),
  hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
  hostileJson.map((v) => (JSON.stringify(v) ?? 'null').slice(0, -1)),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom('x'.repeat(70_000), `{"a":"${'x'.repeat(70_000)}"}`),
);

export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/JSON', 'application/json;charset=utf-16', 'text/plain', 'text/html',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'multipart/form-data', 'application/octet-stream',
  'application/merge-patch+json', '*/*', '', 'garbage', 'application/json, text/plain',
];

/** What a header may carry (fetch refuses NUL, CR, LF and anything past Latin-1). */
export const headerText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 60 })
  .map((codes) => String.fromCharCode(...codes));

/** The ways an Authorization header can carry (or mangle) a token. */
export const authorization = (token: string) =>
  fc.constantFrom(`Bearer ${token}`, `bearer ${token}`, `Bearer  ${token}`, `Bearer ${token} extra`, `Basic ${Buffer.from(`${token}:`).toString('base64')}`, token, 'Bearer', 'Bearer ', `Token ${token}`);

export const ORIGINS = ['https://careers.example.com', 'https://other.example', 'https://evil.example', 'null', 'http://localhost', 'https://careers.example.com.evil.example'];

/** Path segments that are not ids: encodings, traversal, oversized. */
export const nastySegment = fc.oneof(
  fc.constantFrom('%00', '%2e%2e', '..', '%2F', 'a%2Fb', '%ZZ', '%ED%A0%80', '%F0%9F%98%80', '%C0%AE', 'a'.repeat(101), 'a'.repeat(5000), '%20', 'ses_nope', 'att_nope', '__proto__', '*', '%', ':id', '{id}', 'null', '-', '_'),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/),
  nastyString.map(encodeSegment),
);

/** A string as a URL component, lone surrogates included (as the bytes a careless client sends). */
export function encodeSegment(text: string): string {
  return [...text].map((ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

// ---- values from a route's OpenAPI schema ------------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  $ref?: string;
  additionalProperties?: unknown;
}

/** Values worth trying for a property, by name: real ids, audiences, keys and URLs from the world. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** A value the schema accepts (mostly), with the world's real values where a property is named. */
export function validValue(schema: JsonSchema, resolve: (ref: string) => JsonSchema, hints: Hints, name = ''): fc.Arbitrary<unknown> {
  if (schema.$ref) return validValue(resolve(schema.$ref), resolve, hints, name);
  const hint = hints[name];
  const own = ownValue(schema, resolve, hints);
  return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: own }) : own;
}

function ownValue(schema: JsonSchema, resolve: (ref: string) => JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'object'];
  const type = types.find((t) => t !== 'null') ?? 'null';
  const nullable = types.includes('null');
  let value: fc.Arbitrary<unknown>;
  switch (type) {
    case 'string':
      value = schema.format === 'date-time'
        ? fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
        : schema.pattern && !schema.pattern.includes('\\u0000')
          ? fc.stringMatching(new RegExp(schema.pattern), { size: 'small' })
          : fc.oneof({ weight: 2, arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) }) }, { weight: 1, arbitrary: nastyString });
      break;
    case 'integer':
      value = fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
      break;
    case 'number':
      value = fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
      break;
    case 'boolean':
      value = fc.boolean();
      break;
    case 'array':
      value = fc.array(validValue(schema.items ?? {}, resolve, hints), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
      break;
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, validValue(s, resolve, hints, k)]));
      value = fc.record(properties, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
      break;
    }
    default:
      value = fc.constant(null);
  }
  return nullable ? fc.oneof(value, fc.constant(null)) : value;
}

/** A valid value bent in one place: a field replaced by something hostile, dropped, or one added. */
export function bent(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom('replace', 'drop', 'add', 'wrap'), hostileJson, key).map(([value, at, how, hostile, extra]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return how === 'wrap' ? [value] : hostile;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const field = keys[at % Math.max(1, keys.length)];
    if (how === 'replace' && field !== undefined) copy[field] = hostile;
    else if (how === 'drop' && field !== undefined) delete copy[field];
    else if (how === 'wrap') return [copy];
    else Object.defineProperty(copy, extra, { value: hostile, enumerable: true, configurable: true, writable: true });
    return copy;
  });
}
