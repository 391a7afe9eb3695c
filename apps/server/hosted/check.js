// The hosted check page, /check/<session id>#client_token=<token>&origin=<embedding page's origin>.
// A hiring system that would rather not embed the element in its own page frames this one (or
// links to it). The token travels in the fragment, which no server sees. The server lets only the
// session's integration's embedding origins frame the page (CSP frame-ancestors); the page tells
// its embedder what happens by postMessage, to the origin the fragment names and to no other.
const check = document.getElementById('check');
const problem = document.getElementById('problem');
const fragment = new URLSearchParams(location.hash.slice(1));
const sessionId = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const token = fragment.get('client_token');
// The candidate's language, as the embedding page knows it (a framed page cannot read the
// embedder's own lang): `lang=es` in the fragment. The element follows the page's lang.
if (/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(fragment.get('lang') ?? '')) document.documentElement.lang = fragment.get('lang');

/** The embedding page's origin, if the fragment names one properly (never `*`). */
function embedderOrigin() {
  const given = fragment.get('origin');
  if (!given || window.parent === window) return null;
  try {
    const url = new URL(given);
    return url.origin === given ? given : null;
  } catch {
    return null;
  }
}
const target = embedderOrigin();

function tell(type, detail) {
  if (target) window.parent.postMessage({ source: 'liveproof', sessionId, type, detail }, target);
}

/** The session a client token is for (its subject), or null if it is not a token. */
function tokenSession(value) {
  try {
    const payload = value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub ?? null;
  } catch {
    return null;
  }
}

if (token && tokenSession(token) !== sessionId) {
  // Started anyway, the check would run for whichever session the token names, under this page's address.
  problem.textContent = 'This check link is broken: its token belongs to a different session. Ask for a new link.';
  problem.hidden = false;
  check.remove();
  tell('error', { code: 'token_session_mismatch', message: problem.textContent });
} else {
  // Without a token the element itself says what is wrong (client_token_missing).
  if (token) check.setAttribute('client-token', token);
  for (const type of ['liveproof-state', 'liveproof-complete', 'liveproof-error']) {
    check.addEventListener(type, (event) => tell(type.slice('liveproof-'.length), event.detail));
  }
  // The embedder can size its iframe to the check.
  new ResizeObserver(() => tell('resize', { height: Math.ceil(document.documentElement.scrollHeight) })).observe(document.body);
}
