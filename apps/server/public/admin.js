// The demo's admin page: the admin API (`/v1/admin/*`) with an administrator's key, which stays in
// this tab only (sessionStorage). The review queue (cases, each with its facts, linked sessions,
// reference images and a decision form), integrations, and every integration's attempts.
import { fill, m, when } from '/demo/admin-messages.js';

fill(document);
const form = document.getElementById('filters');
const body = document.getElementById('attempts');
const STORAGE = 'liveproof-admin-key';

/** A table row that says there is nothing to list. */
function noneRow(columns, text) {
  const tr = document.createElement('tr');
  tr.append(Object.assign(document.createElement('td'), { colSpan: columns, className: 'muted', textContent: text }));
  return tr;
}

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

async function admin(path, init = {}) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(STORAGE)}`, ...(init.body ? { 'content-type': 'application/json' } : {}) };
  const response = await fetch(path, { ...init, headers });
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
        cell(m.integrations.policies(i)),
        cell(m.integrations.images(i.referenceImageDays)),
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
    document.getElementById('count').textContent = m.attempts.listFailed(error.message);
    return;
  }
  document.getElementById('count').textContent = m.attempts.count(json.attempts.length, Boolean(json.next));
  body.replaceChildren(
    ...json.attempts.map((a) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(when(a.createdAt)),
        cell(a.integrationName ?? a.integrationId),
        cell(a.candidateRef),
        cell(a.interviewRef ?? m.attempts.noInterview),
        cell(a.kind),
        cell(a.status),
        cell(a.challenges.map((c, i) => m.attempts.step(c, a.steps[i])).join(', ')),
        cell(a.reasons.join(', ') || '-'),
        cell(a.signals.join(', ') || '-'),
        cell(a.sessionId),
      );
      return tr;
    }),
  );
}

const DECISION_TEXT = m.decision.text;
const caseStatus = m.decision.status;
let currentCase = null;

async function loadCases() {
  const status = new FormData(document.getElementById('case-filters')).get('status');
  let json;
  try {
    json = await admin(`/v1/admin/cases?limit=100${status ? `&status=${status}` : ''}`);
  } catch (error) {
    document.getElementById('case-count').textContent = m.queue.failed(error.message);
    return;
  }
  document.getElementById('case-count').textContent = m.queue.count(json.cases.length, status === 'open');
  document.getElementById('cases').replaceChildren(
    ...json.cases.map((c) => {
      const tr = document.createElement('tr');
      const open = document.createElement('td');
      const button = document.createElement('button');
      button.textContent = m.queue.review;
      button.setAttribute('aria-label', m.queue.reviewLabel(c.candidateRef));
      button.addEventListener('click', () => openCase(c.id));
      open.append(button);
      tr.append(cell(when(c.openedAt)), cell(c.candidateRef ?? '-'), cell(c.interviewRef ?? m.attempts.noInterview), cell(c.signals.join(', ')), cell(caseStatus(c)), open);
      return tr;
    }),
  );
}

/** One line per kind of fact, in words a reviewer reads without the API reference. */
function factLines(risk) {
  if (!risk) return [m.facts.none];
  const f = m.facts;
  const { observed: o, reported: r, claimed, links, recorded } = risk;
  return [
    o.http && f.address(o.http, o.lists, o.httpMoved),
    o.udp && (o.udp.relation === 'none' ? f.noUdp : f.udp(o.udp)),
    o.rtt && f.rtt(o.rtt, r),
    o.timeZone && f.timeZone(o.timeZone),
    f.device(r),
    claimed?.location && f.location(claimed.location),
    claimed?.phone && f.phone(claimed.phone),
    ...(links ?? []).map(f.link),
    recorded?.length && f.recorded(recorded),
  ].filter(Boolean);
}

async function openCase(id) {
  const c = await admin(`/v1/admin/cases/${id}`);
  currentCase = c;
  const card = document.getElementById('case-card');
  card.hidden = false;
  document.getElementById('case-title').textContent = m.caseCard.title(c.candidateRef, c.interviewRef);
  document.getElementById('case-state').textContent = m.caseCard.state(caseStatus(c), when(c.openedAt), c.note);
  document.getElementById('case-signals').replaceChildren(
    ...c.signals.map((s) => {
      const li = document.createElement('li');
      li.textContent = `${s}: ${c.signalText[s] ?? ''}`;
      return li;
    }),
  );
  const claims = c.session.claims ?? {};
  document.getElementById('case-claims').replaceChildren(
    ...(Object.keys(claims).length
      ? Object.entries(claims).flatMap(([k, v]) => {
          const dt = document.createElement('dt');
          dt.textContent = k;
          const dd = document.createElement('dd');
          dd.textContent = v;
          return [dt, dd];
        })
      : [Object.assign(document.createElement('dt'), { textContent: m.caseCard.noClaims[0] }), Object.assign(document.createElement('dd'), { textContent: m.caseCard.noClaims[1] })]),
  );
  document.getElementById('case-attempts').replaceChildren(
    ...c.session.attempts.map((a) => {
      const div = document.createElement('div');
      const title = document.createElement('p');
      title.className = 'no-margin small';
      title.textContent = m.caseCard.attempt(a);
      const list = document.createElement('ul');
      list.className = 'facts';
      list.replaceChildren(...factLines(a.risk).map((line) => Object.assign(document.createElement('li'), { textContent: line })));
      div.append(title, list);
      return div;
    }),
  );
  document.getElementById('case-linked').replaceChildren(
    ...(c.linked.length
      ? c.linked.map((l) => {
          const tr = document.createElement('tr');
          const theirs = document.createElement('td');
          if (l.caseId) {
            const button = document.createElement('button');
            button.textContent = l.caseStatus === 'decided' ? DECISION_TEXT[l.decision] : m.caseCard.openCase;
            button.addEventListener('click', () => openCase(l.caseId));
            theirs.append(button);
          } else theirs.textContent = m.caseCard.none;
          tr.append(cell(l.candidateRef), cell(l.interviewRef ?? m.attempts.noInterview), cell(when(l.createdAt)), cell(m.caseCard.linkBy(l.by)), theirs);
          return tr;
        })
      : [noneRow(5, m.caseCard.noLinks)]),
  );
  const images = document.getElementById('case-images');
  images.replaceChildren(...(c.referenceImages.length ? [] : [Object.assign(document.createElement('p'), { className: 'muted small', textContent: m.caseCard.noImages })]));
  for (const image of c.referenceImages) {
    const response = await fetch(image.url, { headers: { authorization: `Bearer ${sessionStorage.getItem(STORAGE)}` } });
    if (!response.ok) continue;
    const img = document.createElement('img');
    img.alt = m.caseCard.imageAlt(image.attemptId);
    img.src = URL.createObjectURL(await response.blob());
    images.append(img);
  }
  document.getElementById('decision-form').reset();
  document.getElementById('decision-status').textContent = '';
  card.scrollIntoView({ block: 'start' });
  // The button that opened the case stays where it is, but the reviewer's reading starts here.
  document.getElementById('case-title').focus({ preventScroll: true });
}

async function signedIn() {
  try {
    await loadIntegrations();
  } catch (error) {
    sessionStorage.removeItem(STORAGE);
    document.getElementById('sign-in-error').textContent = error.code === 'unauthorized' ? m.signIn.refused : m.signIn.failed(error.message);
    return;
  }
  document.getElementById('sign-in').hidden = true;
  document.getElementById('cases-card').hidden = false;
  document.getElementById('integrations-card').hidden = false;
  document.getElementById('attempts-card').hidden = false;
  // The sign-in form (and the focus on its button) is gone: focus goes to the queue's heading.
  document.getElementById('queue-title').focus();
  await Promise.all([loadCases(), loadAttempts()]);
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
document.getElementById('case-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  loadCases();
});
document.getElementById('decision-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const status = document.getElementById('decision-status');
  try {
    const { case: decided } = await admin(`/v1/admin/cases/${currentCase.id}/decision`, { method: 'POST', body: JSON.stringify({ decision: data.get('decision'), ...(data.get('note') ? { note: data.get('note') } : {}) }) });
    status.className = '';
    status.textContent = m.decision.recorded(DECISION_TEXT[decided.decision]);
    document.getElementById('case-state').textContent = m.caseCard.decidedState(caseStatus(decided), when(decided.decidedAt));
    await loadCases();
  } catch (error) {
    status.className = 'error';
    status.textContent = m.decision.failed(error.message);
  }
});
if (sessionStorage.getItem(STORAGE)) signedIn();
