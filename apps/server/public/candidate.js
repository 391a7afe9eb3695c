// The demo's scheduling page: the candidate picks a slot, the page's backend (the demo routes)
// creates a session for it and hands the element its client token, the check runs, and the page
// shows what the hiring system sees. After a pass the candidate joins the (demo) interview room,
// where the element runs in interview mode on the call's stream and answers re-check requests.
const check = document.getElementById('check');
const params = new URLSearchParams(location.search);
const status = document.getElementById('ats-status');
const details = document.getElementById('ats-details');

let sessionId = '';

const post = async (path, body) => {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error?.message ?? `${path} answered ${response.status}`);
  return json;
};

/** The demo's scheduling step: the candidate picks a slot, which becomes the interview reference. */
function pickSlot() {
  const slots = document.getElementById('slots');
  slots.hidden = false;
  check.hidden = true;
  return new Promise((resolve) => {
    for (const button of slots.querySelectorAll('button')) {
      button.addEventListener('click', () => {
        slots.querySelector('h2').textContent = `1. Your interview: ${button.textContent}`;
        for (const other of slots.querySelectorAll('button')) other.disabled = true;
        // The check appears once it has its client token (below), so Start always has one.
        resolve(button.dataset.slot);
      });
    }
  });
}

async function clientToken() {
  const given = params.get('client_token');
  if (given) {
    // A session made elsewhere (by a hiring system's backend): the session is the token's subject.
    sessionId = JSON.parse(atob(given.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub;
    return given;
  }
  const interviewRef = await pickSlot();
  const session = await post('/demo/api/session', { candidateRef: 'cand-demo-42', interviewRef });
  sessionId = session.sessionId;
  // The interviewer's link carries a viewer token (in the fragment, which no server sees).
  const viewer = await post('/demo/api/viewer', { sessionId });
  const link = document.getElementById('interviewer-link');
  const fragment = new URLSearchParams({ viewer: viewer.viewerToken, audience: viewer.audience });
  link.querySelector('a').href = `/demo/interviewer.html?session=${encodeURIComponent(sessionId)}#${fragment}`;
  link.hidden = false;
  return session.clientToken;
}

/** A fresh client token from the page's backend, for a call longer than a token lives. */
async function refreshToken() {
  return (await post('/demo/api/client-token', { sessionId })).clientToken;
}

function row(label, value) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  details.append(dt, dd);
}

// After a pass: join the (demo) interview room. The call's camera stream is handed to a
// <liveproof-check mode="interview">, which runs a re-check whenever the interviewer asks.
document.getElementById('join-button').addEventListener('click', async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  document.getElementById('self-view').srcObject = stream;
  // The demo's call: the same stream goes to the interviewer's page (another tab).
  const { sendCall } = await import('/demo/demo-call.js');
  sendCall(sessionId, stream);
  const interview = document.createElement('liveproof-check');
  interview.id = 'interview-check';
  interview.setAttribute('mode', 'interview');
  interview.stream = stream;
  interview.tokenProvider = refreshToken;
  interview.setAttribute('client-token', check.getAttribute('client-token'));
  check.remove();
  document.getElementById('join').hidden = true;
  document.getElementById('room').hidden = false;
  document.getElementById('room').append(interview);
});

check.addEventListener('liveproof-complete', async (event) => {
  const { token, result } = event.detail;
  document.getElementById('join').hidden = result !== 'pass';
  document.getElementById('ats-token').textContent = token;
  status.textContent = 'Verifying the token against the published JWKS…';
  const response = await fetch('/demo/api/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const outcome = await response.json();
  details.replaceChildren();
  details.hidden = false;
  if (!outcome.valid) {
    status.textContent = `Token rejected: ${outcome.code}`;
    return;
  }
  const v = outcome.verified;
  status.replaceChildren();
  const strong = document.createElement('span');
  strong.className = v.passed ? 'verdict-pass' : 'verdict-fail';
  strong.textContent = v.passed ? 'Verified live (signature valid)' : 'Not passed (signature valid)';
  status.append(strong);
  row('Candidate', v.candidateRef);
  row('Interview', v.interviewRef);
  row('Kind', v.kind === 'recheck' ? 're-check' : 'check');
  row('Challenges', v.challenges.map((c) => `${c.id} ${c.passed ? '✓' : '✕'}`).join(', '));
  row('Reasons', v.reasons.length ? v.reasons.join(', ') : 'none');
  row('Signals', v.signals.length ? v.signals.join(', ') : 'none');
  row('Expires', new Date(v.expiresAt).toLocaleString());
});

clientToken()
  .then((token) => {
    if (params.has('no_flash')) check.setAttribute('no-flash', '');
    if (params.has('flash_consent')) check.setAttribute('flash-consent', '');
    if (params.get('positioning_timeout')) check.setAttribute('positioning-timeout', params.get('positioning_timeout'));
    check.setAttribute('client-token', token);
    check.hidden = false;
    if (params.has('autostart') && (params.has('no_flash') || params.has('flash_consent'))) check.start();
  })
  .catch((error) => {
    status.textContent = `Demo setup failed: ${error.message}`;
  });
