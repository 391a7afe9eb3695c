// The interviewer's page: a <liveproof-badge> that follows the session live with a viewer token,
// and the attempt history. The viewer token comes in the link's fragment (as a hiring system would
// put it there for its interviewer), or, for a session this browser created, from the demo's backend.
const params = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const badge = document.getElementById('badge');
const history = document.getElementById('history');

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

const claimsOf = (jwt) => JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));

async function refreshHistory(sessionId, viewerToken) {
  const response = await fetch(`/v1/sessions/${encodeURIComponent(sessionId)}/summary`, { headers: { authorization: `Bearer ${viewerToken}` } });
  if (!response.ok) return;
  const session = await response.json();
  if (!session.attempts?.length) return;
  history.replaceChildren(
    ...session.attempts.map((a) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(`${a.sequence}${a.kind === 'recheck' ? ' (re-check)' : ''}`),
        cell(a.status),
        cell(a.challenges.map((c, i) => `${c.replace('_', ' ')}${a.steps[i] ? (a.steps[i].passed ? ' ✓' : ' ✕') : ''}`).join(', ')),
        cell(a.reasons.join(', ') || '-'),
        cell(a.signals.join(', ') || '-'),
        cell(new Date(a.createdAt).toLocaleTimeString()),
      );
      return tr;
    }),
  );
}

async function viewerFor(sessionId) {
  if (fragment.get('viewer')) return { viewerToken: fragment.get('viewer'), audience: fragment.get('audience'), issuer: claimsOf(fragment.get('viewer')).iss };
  const response = await fetch('/demo/api/viewer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) });
  const viewer = await response.json();
  if (!response.ok) throw new Error(viewer.error?.code === 'session_not_found' ? 'this browser did not create this session; open the link the candidate page gives' : (viewer.error?.message ?? String(response.status)));
  return viewer;
}

async function watch(sessionId) {
  document.getElementById('session-id').textContent = sessionId;
  const { receiveCall } = await import('/demo/demo-call.js');
  receiveCall(sessionId, document.getElementById('call'));
  let viewer;
  try {
    viewer = await viewerFor(sessionId);
  } catch (error) {
    document.getElementById('intro').textContent = `Cannot watch this session: ${error.message}`;
    return;
  }
  badge.setAttribute('issuer', viewer.issuer);
  badge.setAttribute('audience', viewer.audience);
  badge.setAttribute('api-base', location.origin);
  badge.setAttribute('session-id', sessionId);
  badge.setAttribute('viewer-token', viewer.viewerToken);
  badge.setAttribute('allow-recheck', '');
  badge.addEventListener('liveproof-badge-change', () => refreshHistory(sessionId, viewer.viewerToken));
  await refreshHistory(sessionId, viewer.viewerToken);
}

const sessionId = params.get('session');
if (sessionId) watch(sessionId);
else {
  const form = document.getElementById('pick');
  form.hidden = false;
  document.getElementById('intro').hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = document.getElementById('session-input').value.trim();
    history.replaceChildren();
    form.hidden = true;
    document.getElementById('intro').hidden = false;
    watch(id);
  });
}
