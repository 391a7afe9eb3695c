/**
 * Defects the fuzz tests found and the product has yet to fix, each pinned by an `it.fails` test in
 * `defects.test.ts`. The fuzz properties pass over a request only when it matches one of these
 * exactly (route, store and input); anything else that goes wrong fails them. When a fix lands,
 * its `it.fails` test fails: remove the entry here and the `.fails` there.
 */
import type { FuzzRequest, Route } from './world.ts';
import type { StoreTarget } from './targets.ts';

/** Text PostgreSQL refuses: NUL anywhere (text and jsonb), or a lone surrogate (jsonb). */
export function unsafeText(text: string): boolean {
  return text.includes('\u0000') || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** Every string in a JSON value, keys included. */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

function bodyStrings(request: FuzzRequest): string[] {
  if (typeof request.body !== 'string') return [];
  try {
    return strings(JSON.parse(request.body));
  } catch {
    return [];
  }
}

function queryStrings(request: FuzzRequest): string[] {
  const query = request.path.split('?')[1];
  return query ? [...new URLSearchParams(query).values()] : [];
}

interface KnownDefect {
  id: string;
  routes: string[];
  applies(target: StoreTarget, request: FuzzRequest): boolean;
}

export const KNOWN_DEFECTS: KnownDefect[] = [
  {
    id: 'unchecked text reaches PostgreSQL (webhook URLs, integration names, key labels)',
    routes: [
      'POST /v1/webhooks',
      'POST /v1/admin/integrations',
      'PATCH /v1/admin/integrations/:id',
      'POST /v1/admin/admin-keys',
      'POST /v1/admin/integrations/:id/api-keys',
      'POST /v1/admin/integrations/:id/api-keys/rotate',
      'POST /v1/admin/integrations/:id/webhooks',
    ],
    applies: (target, request) => target.name === 'PostgreSQL' && bodyStrings(request).some(unsafeText),
  },
  {
    id: 'unchecked list filters reach PostgreSQL (candidateRef, interviewRef)',
    routes: ['GET /v1/sessions', 'GET /v1/attempts', 'GET /v1/admin/attempts'],
    applies: (target, request) => target.name === 'PostgreSQL' && queryStrings(request).some((v) => v.includes('\u0000')),
  },
];

/** A signed stop is taken after its attempt expired (`defects.test.ts`). */
export const LATE_STOP = 'a signed stop is taken after the attempt expired';

/** The id of the known defect a signed payload's 5xx is explained by, if any. */
export const UNCHECKED_DIAGNOSTICS = 'schema issues of a signed result reach PostgreSQL unchecked (attempt diagnostics)';

export function knownSignedDefect(target: StoreTarget, payload: unknown): string | undefined {
  return target.name === 'PostgreSQL' && strings(payload).some(unsafeText) ? UNCHECKED_DIAGNOSTICS : undefined;
}

/** The known defect a failed request is explained by, if any. */
export function knownDefect(target: StoreTarget, route: Route, request: FuzzRequest): string | undefined {
  const name = `${request.method} ${route.path}`;
  return KNOWN_DEFECTS.find((d) => d.routes.includes(name) && d.applies(target, request))?.id;
}
