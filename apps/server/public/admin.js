// The demo's admin page: the admin API (`/v1/admin/*`) with an administrator's key, which stays in
// this tab only (sessionStorage). The review queue (cases, each with its facts, linked sessions,
// reference images and a decision form), integrations, and every integration's attempts.
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
        cell(`virtual camera: ${i.virtualCameraPolicy}; light opt-out: ${i.lightOptOutPolicy}${Object.keys(i.signalPolicies ?? {}).length ? `; ${Object.entries(i.signalPolicies).map(([s, p]) => `${s}: ${p}`).join(', ')}` : '; other signals: flag'}`),
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

const DECISION_TEXT = { cleared: 'cleared', fraud: 'confirmed fraud', in_person: 'in-person check needed' };
const caseStatus = (c) => (c.status === 'open' ? (c.decision ? `open again (was ${DECISION_TEXT[c.decision]})` : 'waiting for review') : DECISION_TEXT[c.decision]);
let currentCase = null;

async function loadCases() {
  const status = new FormData(document.getElementById('case-filters')).get('status');
  let json;
  try {
    json = await admin(`/v1/admin/cases?limit=100${status ? `&status=${status}` : ''}`);
  } catch (error) {
    document.getElementById('case-count').textContent = `Could not list cases: ${error.message}`;
    return;
  }
  document.getElementById('case-count').textContent = `${json.cases.length} case${json.cases.length === 1 ? '' : 's'}${status === 'open' ? ' waiting for review' : ''}`;
  document.getElementById('cases').replaceChildren(
    ...json.cases.map((c) => {
      const tr = document.createElement('tr');
      const open = document.createElement('td');
      const button = document.createElement('button');
      button.textContent = 'Review';
      button.setAttribute('aria-label', `Review the case of ${c.candidateRef}`);
      button.addEventListener('click', () => openCase(c.id));
      open.append(button);
      tr.append(cell(new Date(c.openedAt).toLocaleString()), cell(c.candidateRef ?? '-'), cell(c.interviewRef ?? '(no interview)'), cell(c.signals.join(', ')), cell(caseStatus(c)), open);
      return tr;
    }),
  );
}

/** One line per kind of fact, in words a reviewer reads without the API reference. */
function factLines(risk) {
  if (!risk) return ['No network or device facts (the attempt sent no result).'];
  const lines = [];
  const { observed: o, reported: r, claimed, links, recorded } = risk;
  if (o.http) lines.push(`Address: ${o.http.scope}, country ${o.http.country ?? 'unknown'}${o.http.lists.length ? `, on the ${o.http.lists.join(' and ')} list` : ''}${o.lists ? ` (lists of ${o.lists.date})` : ''}${o.httpMoved ? '; the result came from another network' : ''}.`);
  if (o.udp) lines.push(o.udp.relation === 'none' ? 'UDP: none reached the server (a fact, not a failure).' : `UDP path: ${o.udp.relation.replaceAll('_', ' ')}${o.udp.address ? ` (country ${o.udp.address.country ?? 'unknown'}${o.udp.address.lists.length ? `, ${o.udp.address.lists.join(', ')} list` : ''})` : ''}.`);
  if (o.rtt) lines.push(`Round trips: web ${o.rtt.httpMs} ms (server-timed, ${o.rtt.samples} samples)${o.rtt.tcpMs !== undefined ? `, TCP ${o.rtt.tcpMs} ms` : ''}${r.udpRttMs !== undefined ? `, UDP ${r.udpRttMs} ms (reported)` : ''}.`);
  if (o.timeZone) lines.push(`Time zone ${o.timeZone.zone} (reported), used in ${o.timeZone.zoneCountries.join(', ') || 'no country'}; the address is in ${o.timeZone.addressCountry ?? 'an unknown country'}.`);
  const device = [r.renderer && `renderer ${r.renderer}`, r.frameHz && `${r.frameHz} frames a second`, r.camera && `camera ${r.camera.replaceAll('_', ' ')}`, r.localAddresses && `local addresses ${r.localAddresses.join(', ')}`, r.reactionMs && `median reaction ${r.reactionMs} ms`].filter(Boolean);
  if (device.length) lines.push(`Device (reported by the page): ${device.join('; ')}.`);
  if (claimed?.location) lines.push(`Claimed location ${[claimed.location.city, claimed.location.country, claimed.location.timeZone].filter(Boolean).join(', ')}: ${claimed.location.mismatches.length ? `disagrees with ${claimed.location.mismatches.map((m) => m.replaceAll('_', ' ')).join(', ')}` : 'agrees'}.`);
  if (claimed?.phone) lines.push(`Phone: ${claimed.phone.valid === null ? 'cannot be read without a country' : `${claimed.phone.valid ? 'valid' : 'invalid'}${claimed.phone.country ? `, from ${claimed.phone.country}` : ''}${claimed.phone.type ? `, ${claimed.phone.type.replaceAll('_', ' ')}` : ''}`}${claimed.phone.anomalies.length ? `; ${claimed.phone.anomalies.map((a) => a.replaceAll('_', ' ')).join(', ')}` : ''}.`);
  for (const link of links ?? []) {
    const similarity = link.similarity !== undefined ? ` (similarity ${link.similarity.toFixed(2)}: compare the faces yourself)` : '';
    lines.push(`Linked by ${link.by.replace('local_set', 'local address set')} to ${link.candidates} other candidate${link.candidates === 1 ? '' : 's'}${similarity}.`);
  }
  if (recorded?.length) lines.push(`Recorded only (this integration's policy): ${recorded.join(', ')}.`);
  return lines;
}

async function openCase(id) {
  const c = await admin(`/v1/admin/cases/${id}`);
  currentCase = c;
  const card = document.getElementById('case-card');
  card.hidden = false;
  document.getElementById('case-title').textContent = `Case of ${c.candidateRef}${c.interviewRef ? ` (${c.interviewRef})` : ''}`;
  document.getElementById('case-state').textContent = `${caseStatus(c)} · opened ${new Date(c.openedAt).toLocaleString()}${c.note ? ` · last note: ${c.note}` : ''}`;
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
      : [Object.assign(document.createElement('dt'), { textContent: 'Claims' }), Object.assign(document.createElement('dd'), { textContent: 'none were sent' })]),
  );
  document.getElementById('case-attempts').replaceChildren(
    ...c.session.attempts.map((a) => {
      const div = document.createElement('div');
      const title = document.createElement('p');
      title.className = 'no-margin small';
      title.textContent = `#${a.sequence} ${a.kind}, ${a.status}, ${new Date(a.createdAt).toLocaleString()}${a.signals.length ? ` · signals: ${a.signals.join(', ')}` : ''}${a.reasons.length ? ` · reasons: ${a.reasons.join(', ')}` : ''}`;
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
            button.textContent = l.caseStatus === 'decided' ? DECISION_TEXT[l.decision] : 'open case';
            button.addEventListener('click', () => openCase(l.caseId));
            theirs.append(button);
          } else theirs.textContent = 'none';
          tr.append(cell(l.candidateRef), cell(l.interviewRef ?? '(no interview)'), cell(new Date(l.createdAt).toLocaleString()), cell(l.by.join(', ').replace('local_set', 'local address set')), theirs);
          return tr;
        })
      : [Object.assign(document.createElement('tr'), { innerHTML: '<td colspan="5" class="muted">No other candidate shares an address or device with this session.</td>' })]),
  );
  const images = document.getElementById('case-images');
  images.replaceChildren(...(c.referenceImages.length ? [] : [Object.assign(document.createElement('p'), { className: 'muted small', textContent: 'None kept (this integration keeps no reference images, or they have expired).' })]));
  for (const image of c.referenceImages) {
    const response = await fetch(image.url, { headers: { authorization: `Bearer ${sessionStorage.getItem(STORAGE)}` } });
    if (!response.ok) continue;
    const img = document.createElement('img');
    img.alt = `Reference image of attempt ${image.attemptId}`;
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
    document.getElementById('sign-in-error').textContent = error.code === 'unauthorized' ? 'That is not a working admin key.' : `Could not sign in: ${error.message}`;
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
    status.textContent = `Recorded: ${DECISION_TEXT[decided.decision]}. The hiring system is told (case.decided).`;
    document.getElementById('case-state').textContent = `${caseStatus(decided)} · decided ${new Date(decided.decidedAt).toLocaleString()}`;
    await loadCases();
  } catch (error) {
    status.className = 'error';
    status.textContent = `Could not record the decision: ${error.message}`;
  }
});
if (sessionStorage.getItem(STORAGE)) signedIn();
