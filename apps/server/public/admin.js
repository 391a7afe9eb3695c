// The demo's admin page: the admin API (`/v1/admin/*`) with an administrator's key, which stays in
// this tab only (sessionStorage). Integrations and every integration's attempts, with filters.
const form = document.getElementById('filters');
const body = document.getElementById('attempts');
const STORAGE = 'liveproof-admin-key';

function cell(text, href) {
  const td = document.createElement('td');
  if (href) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    td.append(a);
  } else td.textContent = text;
  return td;
}

async function admin(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(STORAGE)}` } });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(json.error?.message ?? String(response.status)), { code: json.error?.code });
  return json;
}

async function loadIntegrations() {
  const { integrations } = await admin('/v1/admin/integrations');
  document.getElementById('integrations').replaceChildren(
    ...integrations.map((i) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(`${i.name}${i.purpose ? ` (${i.purpose})` : ''}`),
        cell(i.id),
        cell(i.audiences.join(', ')),
        cell(i.origins.join(', ') || '-'),
        cell(`virtual camera: ${i.virtualCameraPolicy}; light opt-out: ${i.lightOptOutPolicy}`),
        cell(i.referenceImageDays ? `kept ${i.referenceImageDays} days` : 'off'),
      );
      return tr;
    }),
  );
}

async function loadAttempts() {
  const query = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (!value) continue;
    query.set(key, key === 'from' || key === 'to' ? new Date(`${value}T00:00:00Z`).toISOString() : value);
  }
  query.set('limit', '100');
  let json;
  try {
    json = await admin(`/v1/admin/attempts?${query}`);
  } catch (error) {
    document.getElementById('count').textContent = `Could not list attempts: ${error.message}`;
    return;
  }
  document.getElementById('count').textContent = `${json.attempts.length} attempt${json.attempts.length === 1 ? '' : 's'}${json.next ? ' (first 100)' : ''}`;
  body.replaceChildren(
    ...json.attempts.map((a) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(new Date(a.createdAt).toLocaleString()),
        cell(a.integrationName ?? a.integrationId),
        cell(a.candidateRef),
        cell(a.interviewRef ?? '(no interview)'),
        cell(a.kind),
        cell(a.status),
        cell(a.challenges.map((c, i) => `${c.replace('_', ' ')}${a.steps[i] ? (a.steps[i].passed ? ' ✓' : ' ✕') : ''}`).join(', ')),
        cell(a.reasons.join(', ') || '-'),
        cell(a.signals.join(', ') || '-'),
        cell(a.sessionId),
      );
      return tr;
    }),
  );
}

async function signedIn() {
  try {
    await loadIntegrations();
  } catch (error) {
    sessionStorage.removeItem(STORAGE);
    document.getElementById('sign-in-error').textContent = error.code === 'unauthorized' ? 'That is not a working admin key.' : `Could not sign in: ${error.message}`;
    return;
  }
  document.getElementById('sign-in').hidden = true;
  document.getElementById('integrations-card').hidden = false;
  document.getElementById('attempts-card').hidden = false;
  await loadAttempts();
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(STORAGE, document.getElementById('admin-key').value.trim());
  document.getElementById('sign-in-error').textContent = '';
  signedIn();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  loadAttempts();
});
if (sessionStorage.getItem(STORAGE)) signedIn();
