// What the review page says, in one place: the texts of admin.html (by their `data-m` keys) and
// those admin.js composes. English only; dates and counts are formatted with Intl in the page's
// language. The risk signals' descriptions come from the server (the protocol's own English).
const lang = document.documentElement.lang || 'en';
const plural = new Intl.PluralRules(lang);
const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
const few = (n, one, other) => `${n} ${plural.select(n) === 'one' ? one : other}`;

export const when = (iso) => dateTime.format(new Date(iso));
const spaced = (code) => String(code).replaceAll('_', ' ');

export const m = {
  pageTitle: 'Liveproof: review and administration',
  header: 'Liveproof · Administration',
  title: 'Review queue and administration',
  signIn: {
    title: 'Sign in',
    help: 'An administrator’s key: the development start prints one the first time (and keeps it in data/dev-admin-key); on a deployment, `liveproof admin admin-keys create` makes one.',
    key: 'Admin key',
    submit: 'Sign in',
    refused: 'That is not a working admin key.',
    failed: (why) => `Could not sign in: ${why}`,
  },
  queue: {
    title: 'Review queue',
    help: 'A session opens a case when an attempt carries a flagged signal. Signals raise doubt; none proves fraud on its own. Decide each case from its facts.',
    filter: 'Cases',
    open: 'waiting for review',
    decided: 'decided',
    all: 'all',
    show: 'Show',
    columns: { opened: 'opened', candidate: 'candidate', interview: 'interview', signals: 'signals', status: 'status', open: 'open' },
    count: (n, open) => `${few(n, 'case', 'cases')}${open ? ' waiting for review' : ''}`,
    failed: (why) => `Could not list cases: ${why}`,
    review: 'Review',
    reviewLabel: (candidate) => `Review the case of ${candidate}`,
  },
  caseCard: {
    title: (candidate, interview) => `Case of ${candidate}${interview ? ` (${interview})` : ''}`,
    state: (status, opened, note) => `${status} · opened ${opened}${note ? ` · last note: ${note}` : ''}`,
    decidedState: (status, decided) => `${status} · decided ${decided}`,
    signals: 'Signals',
    claims: 'What the candidate told the hiring system',
    noClaims: ['Claims', 'none were sent'],
    attempts: 'Attempts and the facts behind their signals',
    attempt: (a) => `#${a.sequence} ${a.kind}, ${a.status}, ${when(a.createdAt)}${a.signals.length ? ` · signals: ${a.signals.join(', ')}` : ''}${a.reasons.length ? ` · reasons: ${a.reasons.join(', ')}` : ''}`,
    linked: 'Linked sessions (other candidates seen with the same address or device)',
    linkedHelp: 'Offices, campuses, mobile carriers and identical company laptops also share addresses and devices: a link is a lead, not proof.',
    linkedColumns: { candidate: 'candidate', interview: 'interview', created: 'created', by: 'linked by', theirs: 'their case' },
    noLinks: 'No other candidate shares an address or device with this session.',
    openCase: 'open case',
    none: 'none',
    linkBy: (by) => by.map((b) => (b === 'local_set' ? 'local address set' : b)).join(', '),
    images: 'Reference images',
    noImages: 'None kept (this integration keeps no reference images, or they have expired).',
    imageAlt: (attemptId) => `Reference image of attempt ${attemptId}`,
  },
  decision: {
    legend: 'Decision',
    cleared: 'Cleared: the signals have an innocent explanation',
    fraud: 'Confirmed fraud',
    in_person: 'Needs an in-person check',
    note: 'Note (sent to the hiring system with the decision)',
    submit: 'Record decision',
    recorded: (decision) => `Recorded: ${decision}. The hiring system is told (case.decided).`,
    failed: (why) => `Could not record the decision: ${why}`,
    text: { cleared: 'cleared', fraud: 'confirmed fraud', in_person: 'in-person check needed' },
    status: (c) => (c.status === 'open' ? (c.decision ? `open again (was ${m.decision.text[c.decision]})` : 'waiting for review') : m.decision.text[c.decision]),
  },
  integrations: {
    title: 'Integrations',
    columns: { name: 'name', id: 'id', audiences: 'audiences', origins: 'origins', policies: 'policies', images: 'reference images' },
    policies: (i) => {
      const others = Object.entries(i.signalPolicies ?? {});
      return `virtual camera: ${i.virtualCameraPolicy}; light opt-out: ${i.lightOptOutPolicy}${others.length ? `; ${others.map(([s, p]) => `${s}: ${p}`).join(', ')}` : '; other signals: flag'}`;
    },
    images: (days) => (days ? `kept ${few(days, 'day', 'days')}` : 'off'),
  },
  attempts: {
    title: 'Attempts',
    candidate: 'Candidate',
    interview: 'Interview',
    result: 'Result',
    any: 'any',
    passed: 'passed',
    failed: 'failed',
    started: 'in progress',
    reason: 'Reason',
    reasonHint: 'e.g. not_performed',
    from: 'From',
    to: 'To',
    filter: 'Filter',
    columns: { when: 'when', integration: 'integration', candidate: 'candidate', interview: 'interview', kind: 'kind', status: 'status', challenges: 'challenges', reasons: 'reasons', signals: 'signals', session: 'session' },
    count: (n, more) => `${few(n, 'attempt', 'attempts')}${more ? ' (first 100)' : ''}`,
    listFailed: (why) => `Could not list attempts: ${why}`,
    noInterview: '(no interview)',
    step: (challenge, step) => `${spaced(challenge)}${step ? (step.passed ? ' ✓' : ' ✕') : ''}`,
  },
  facts: {
    none: 'No network or device facts (the attempt sent no result).',
    address: (h, lists, moved) =>
      `Address: ${h.scope}, country ${h.country ?? 'unknown'}${h.lists.length ? `, on the ${h.lists.join(' and ')} list` : ''}${lists ? ` (lists of ${lists.date})` : ''}${moved ? '; the result came from another network' : ''}.`,
    noUdp: 'UDP: none reached the server (a fact, not a failure).',
    udp: (u) => `UDP path: ${spaced(u.relation)}${u.address ? ` (country ${u.address.country ?? 'unknown'}${u.address.lists.length ? `, ${u.address.lists.join(', ')} list` : ''})` : ''}.`,
    rtt: (o, r) => `Round trips: web ${o.httpMs} ms (server-timed, ${o.samples} samples)${o.tcpMs !== undefined ? `, TCP ${o.tcpMs} ms` : ''}${r.udpRttMs !== undefined ? `, UDP ${r.udpRttMs} ms (reported)` : ''}.`,
    timeZone: (t) => `Time zone ${t.zone} (reported), used in ${t.zoneCountries.join(', ') || 'no country'}; the address is in ${t.addressCountry ?? 'an unknown country'}.`,
    device: (r) => {
      const parts = [
        r.renderer && `renderer ${r.renderer}`,
        r.frameHz && `${r.frameHz} frames a second`,
        r.camera && `camera ${spaced(r.camera)}`,
        r.localAddresses && `local addresses ${r.localAddresses.join(', ')}`,
        r.reactionMs && `median reaction ${r.reactionMs} ms`,
      ].filter(Boolean);
      return parts.length ? `Device (reported by the page): ${parts.join('; ')}.` : '';
    },
    location: (l) => `Claimed location ${[l.city, l.country, l.timeZone].filter(Boolean).join(', ')}: ${l.mismatches.length ? `disagrees with ${l.mismatches.map(spaced).join(', ')}` : 'agrees'}.`,
    phone: (p) =>
      `Phone: ${p.valid === null ? 'cannot be read without a country' : `${p.valid ? 'valid' : 'invalid'}${p.country ? `, from ${p.country}` : ''}${p.type ? `, ${spaced(p.type)}` : ''}`}${p.anomalies.length ? `; ${p.anomalies.map(spaced).join(', ')}` : ''}.`,
    link: (link) =>
      `Linked by ${link.by.replace('local_set', 'local address set')} to ${few(link.candidates, 'other candidate', 'other candidates')}${link.similarity !== undefined ? ` (similarity ${link.similarity.toFixed(2)}: compare the faces yourself)` : ''}.`,
    recorded: (signals) => `Recorded only (this integration's policy): ${signals.join(', ')}.`,
  },
};

/** Fills every `[data-m]` in `root` with its text (`data-m-attr` names an attribute to fill instead). */
export function fill(root) {
  if (root === document) document.title = m.pageTitle;
  for (const element of root.querySelectorAll('[data-m]')) {
    const text = element.dataset.m.split('.').reduce((at, key) => at?.[key], m);
    if (typeof text !== 'string') throw new Error(`admin-messages: no text for "${element.dataset.m}"`);
    if (element.dataset.mAttr) element.setAttribute(element.dataset.mAttr, text);
    // `like this` in a text is code.
    else element.replaceChildren(...text.split('`').map((part, i) => (i % 2 ? Object.assign(document.createElement('code'), { textContent: part }) : part)));
  }
}
