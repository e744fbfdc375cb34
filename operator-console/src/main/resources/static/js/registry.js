// The registry for data managers: the cases, one case in the standard format (each field saved as it changes),
// its status, consent answers, the reports it is made of, the cases it may duplicate, and its history.
'use strict';

const $ = (id) => document.getElementById(id);
const Reg = { form: [], current: null, listed: 0 };
const STATUSES = ['POTENTIAL', 'UNDER_ASSESSMENT', 'CONFIRMED_VICTIM', 'NOT_A_VICTIM', 'REFERRED', 'CLOSED'];
const DOCUMENT_KINDS = ['POLICE_OR_OFFICIAL_REPORT', 'IDENTITY_DOCUMENT', 'TRAVEL_DOCUMENT', 'MEDICAL_REPORT',
  'EMPLOYMENT_CONTRACT_OR_OFFER', 'PERSONAL_WRITING', 'OTHER'];
const QUESTIONS = {
  '1.1': 'Informed that case data may be shared for assistance purposes',
  '1.2': 'Informed of limited disclosure of non-personal data to law enforcement',
  '1.3': 'Informed that anonymous, aggregate data may be used for research',
  '1.4': 'Full and informed consent to the screening interview',
  '1.5': 'If a minor: consent of the parent(s) or guardian(s)',
};

async function init() {
  if (!await App.start()) return;
  Reg.form = (await App.api('GET', '/api/forms/case')).body;
  $('status-filter').append(...STATUSES.map((s) => App.el('option', { value: s }, App.label(s))));
  $('next-status').append(...STATUSES.map((s) => App.el('option', { value: s }, App.label(s))));
  $('reload').onclick = loadList;
  $('find').onclick = findCase;
  $('find-reference').onkeydown = (e) => { if (e.key === 'Enter') findCase(); };
  $('take').onclick = () => assign(App.me.username);
  $('assign').onclick = () => assign($('assign-to').value);
  $('change-status').onclick = changeStatus;
  $('doc-kind').append(...DOCUMENT_KINDS.map((k) => App.el('option', { value: k }, App.label(k))));
  $('doc-upload').onclick = upload;
  $('exp-download').onclick = (e) => {
    const q = new URLSearchParams({ format: $('exp-format').value });
    if ($('exp-from').value) q.set('from', $('exp-from').value);
    if ($('exp-to').value) q.set('to', $('exp-to').value);
    e.target.href = '/api/exports/htcds?' + q;
  };
  $('req-send').onclick = askForExport;
  loadRequests();
  $('assign-box').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  loadList();
}

async function loadList() {
  const status = $('status-filter').value;
  const asked = ++Reg.listed;
  const r = await App.api('GET', '/api/cases' + (status ? '?status=' + status : ''));
  // A slower answer to an earlier request must not replace what was asked for since (a search, another filter).
  if (r.ok && asked === Reg.listed) renderList(r.body);
}

// A case number, or the code a reporter quotes (R-… online, S-… screening): the case it belongs to now.
async function findCase() {
  const reference = $('find-reference').value.trim();
  if (!reference) { loadList(); return; }
  const asked = ++Reg.listed;
  const r = await App.api('GET', '/api/cases?reference=' + encodeURIComponent(reference));
  if (r.ok && asked === Reg.listed) renderList(r.body);
}

function renderList(cases) {
  $('cases').replaceChildren(...(cases.length ? cases.map((c) => App.el('tr', { class: 'clickable',
    'data-case': c.id, onclick: () => openCase(c.id) },
  App.el('td', {}, c.reference), App.el('td', {}, App.label(c.status)), App.el('td', {}, c.assignedName || '—'),
  App.el('td', {}, [App.label(c.sex), c.age].filter((x) => x !== null && x !== undefined && x !== '').join(' · ')),
  App.el('td', {}, c.place || ''), App.el('td', {}, (c.exploitationTypes || []).map(App.label).join(', ')),
  App.el('td', {}, App.time(c.createdAt))))
    : [App.el('tr', {}, App.el('td', { colspan: 7, class: 'muted' }, 'none'))]));
}

async function openCase(id) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id));
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
}

function show(body) {
  const c = body.case;
  Reg.current = c;
  $('case').hidden = false;
  $('case-title').textContent = 'Case ' + c.reference;
  $('case-meta').replaceChildren('Status ', App.el('strong', { id: 'case-status' }, App.label(c.status)),
    ' · data manager ', c.assignedName || 'none yet', c.mergedInto ? ' · merged into another case' : '');
  $('take').hidden = !!c.assignedTo;
  $('personal-note').hidden = !c.personalHidden;
  $('sources').replaceChildren(...c.sources.map((s) => App.el('li', {}, App.label(s.channel) + ' report, linked '
    + App.time(s.linkedAt) + (s.call ? ' · call ' + s.call.slice(0, 8) + ' in the call log' : '') + ' ',
  App.el('button', { class: 'show-source', onclick: (e) => showSource(c, s, e.target.parentNode) }, 'Show'),
  c.sources.length > 1 ? [' ', App.el('button', { class: 'move-source', onclick: () => moveSource(c, s) },
    'Move to another case')] : [])));
  $('related').textContent = body.related.length ? 'Related cases: ' + body.related.map((x) => x.reference).join(', ') : '';
  renderConsent(c);
  renderForm(c);
  loadCandidates(c.id);
  loadHistory(c.id);
  loadDocuments(c);
}

// What the report the case came from said (reading its personal fields is the case's data manager's, audited).
async function showSource(c, s, item) {
  const r = await App.api('GET', s.channel === 'HOTLINE' ? '/api/reports/' + s.report
    : '/api/cases/' + c.id + '/sources/' + s.report);
  if (!r.ok) { alert(r.body.message); return; }
  const source = s.channel === 'HOTLINE' ? r.body.report : r.body;
  item.querySelector('dl')?.remove();
  item.append(App.el('dl', { class: 'source-values' }, Object.entries(source.values).flatMap(([k, v]) =>
    [App.el('dt', {}, k), App.el('dd', {}, Array.isArray(v) ? v.map(App.label).join(', ') : String(v))]),
  source.personalHidden ? [App.el('dt', {}, ''), App.el('dd', { class: 'muted' },
    'personal fields are for the case\'s data manager')] : []));
}

// One report that belongs to another case (a merge is for the whole case).
async function moveSource(c, s) {
  const to = prompt('Move this ' + App.label(s.channel).toLowerCase() + ' report to which case (C-…)?');
  if (!to) return;
  const note = prompt('Why does it belong to ' + to + '?');
  if (!note) return;
  const r = await App.api('POST', '/api/cases/' + c.id + '/sources/' + s.report + '/move', { to, note });
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
}

// Listed to every data manager; the link opens only for the case's own data manager and the leader (audited).
async function loadDocuments(c) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(c.id) + '/documents');
  if (!r.ok) return;
  $('documents').replaceChildren(...(r.body.length ? r.body.map((d) => App.el('li', {},
    c.personalHidden ? App.label(d.kind) : App.el('a', { href: '/api/cases/' + c.id + '/documents/' + d.id },
      App.label(d.kind)), ' · ' + d.mediaType + ' · ' + Math.ceil(d.sizeBytes / 1024) + ' KB · '
    + d.uploadedBy + ' · ' + App.time(d.uploadedAt)))
    : [App.el('li', { class: 'muted' }, 'none')]));
}

async function upload() {
  const file = $('doc-file').files[0];
  if (!file) return;
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
  headers[App.me.csrf.header] = App.me.csrf.token;
  const r = await fetch('/api/cases/' + Reg.current.id + '/documents?kind=' + $('doc-kind').value,
    { method: 'POST', headers, body: file });
  const body = await r.json().catch(() => ({}));
  $('doc-status').textContent = r.ok ? 'attached' : (body.message || 'not attached');
  $('doc-status').className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) { $('doc-file').value = ''; loadDocuments(Reg.current); loadHistory(Reg.current.id); }
}

function renderForm(c) {
  const form = $('case-form');
  form.replaceChildren();
  let fieldset = null;
  let section = null;
  for (const f of Reg.form) {
    if (f.section !== section) {
      section = f.section;
      fieldset = App.el('fieldset', {}, App.el('legend', {}, section));
      form.append(fieldset);
    }
    fieldset.append(field(f, c.values[f.name], f.personal && c.personalHidden));
  }
}

function field(f, value, hidden) {
  const id = 'c-' + f.name;
  const status = App.el('span', { id: 'cstatus-' + f.name, class: 'field-status' }, hidden ? 'not shown to you' : '');
  let input;
  if (f.kind === 'CODE' || f.kind === 'BOOLEAN') {
    const options = f.kind === 'BOOLEAN' ? [['true', 'yes'], ['false', 'no']] : f.codes.map((o) => [o, App.label(o)]);
    input = App.el('select', { id, disabled: hidden }, App.el('option', { value: '' }, '—'),
      options.map(([v, label]) => App.el('option', { value: v, selected: String(value) === v }, label)));
    input.onchange = () => save(f, input.value === '' ? null : f.kind === 'BOOLEAN' ? input.value === 'true' : input.value);
  } else if (f.kind === 'CODES') {
    input = App.el('select', { id, multiple: true, size: Math.min(6, f.codes.length), disabled: hidden },
      f.codes.map((o) => App.el('option', { value: o, selected: (value || []).includes(o) }, App.label(o))));
    input.onchange = () => save(f, [...input.selectedOptions].map((o) => o.value));
  } else {
    const long = f.kind === 'TEXT' && f.maxLength > 300;
    input = App.el(long ? 'textarea' : 'input', { id, disabled: hidden,
      type: long ? undefined : f.kind === 'DATE' ? 'date' : f.kind === 'INTEGER' ? 'number' : 'text' });
    input.value = value === undefined || value === null ? '' : value;
    input.onchange = () => save(f, input.value === '' ? null
      : f.kind === 'INTEGER' && /^\d+$/.test(input.value) ? Number(input.value) : input.value);
  }
  return App.el('div', { class: 'field' }, App.el('label', { for: id }, f.label), input, status);
}

async function save(f, value) {
  const status = $('cstatus-' + f.name);
  status.textContent = 'saving…';
  const r = await App.api('PUT', '/api/cases/' + Reg.current.id + '/fields/' + f.name, { value });
  status.textContent = r.ok ? 'saved' : ((r.body.fields && r.body.fields[f.name]) || r.body.message);
  status.className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) loadHistory(Reg.current.id);
}

function renderConsent(c) {
  const answers = Object.fromEntries(c.consent.map((a) => [a.question, a]));
  $('consent').replaceChildren(...Object.entries(QUESTIONS).map(([q, text]) => {
    const a = answers[q];
    const answer = App.el('select', { id: 'consent-' + q }, App.el('option', { value: '' }, '—'),
      App.el('option', { value: 'true', selected: a && a.answer }, 'yes'),
      App.el('option', { value: 'false', selected: a && !a.answer }, 'no'));
    const by = App.el('input', { type: 'text', id: 'consent-by-' + q, maxlength: 120 });
    by.value = a ? a.askedBy : '';
    const on = App.el('input', { type: 'date', id: 'consent-on-' + q });
    on.value = a ? a.askedOn : '';
    return App.el('tr', {}, App.el('td', {}, q + ' ' + text), App.el('td', {}, answer), App.el('td', {}, by),
      App.el('td', {}, on), App.el('td', {}, App.el('button', { onclick: () => recordConsent(q) }, 'Record')));
  }));
}

async function recordConsent(q) {
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/consent', {
    question: q, answer: $('consent-' + q).value === '' ? null : $('consent-' + q).value === 'true',
    askedBy: $('consent-by-' + q).value, askedOn: $('consent-on-' + q).value || null,
  });
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
}

async function assign(username) {
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/assign', { to: username });
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
  loadList();
}

async function changeStatus() {
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/status', {
    status: $('next-status').value, note: $('status-note').value || null,
  });
  $('case-status-msg').textContent = r.ok ? 'done' : r.body.message;
  $('case-status-msg').className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) { show(r.body); loadList(); }
}

async function loadCandidates(id) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id) + '/candidates');
  if (!r.ok) return;
  $('candidates').replaceChildren(...(r.body.length ? r.body.map((c) => App.el('tr', {},
    App.el('td', {}, c.reference), App.el('td', {}, App.label(c.status)),
    App.el('td', {}, c.reasons.map(App.label).join(', ')),
    App.el('td', {}, App.el('button', { onclick: () => merge(c) }, 'Merge this case into it'), ' ',
      App.el('button', { onclick: () => relate(c) }, 'Relate'))))
    : [App.el('tr', {}, App.el('td', { class: 'muted' }, 'no candidates'))]));
}

async function merge(candidate) {
  const note = prompt('Why are ' + Reg.current.reference + ' and ' + candidate.reference + ' the same case?');
  if (!note) return;
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/merge', { into: candidate.id, note });
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
  loadList();
}

async function relate(candidate) {
  const reason = prompt('How is ' + candidate.reference + ' related?');
  if (!reason) return;
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/relate', { other: candidate.id, reason });
  if (!r.ok) { alert(r.body.message); return; }
  show(r.body);
}

async function loadHistory(id) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id) + '/history');
  if (!r.ok) return;
  $('history').replaceChildren(...r.body.map((e) => App.el('li', {}, App.time(e.at) + ' · ' + App.label(e.type)
    + (e.actorName ? ' · ' + e.actorName : '') + ' · ' + Object.entries(e.detail)
    .filter(([k]) => k !== 'answerId')
    .map(([k, v]) => k + ' ' + (typeof v === 'string' && /^[A-Z_]+$/.test(v) ? App.label(v) : v)).join(', '))));
}

async function askForExport() {
  const r = await App.api('POST', '/api/exports/requests', {
    cases: $('req-cases').value.split(/\s+/).filter((x) => x), purpose: $('req-purpose').value,
    recipient: $('req-recipient').value,
  });
  $('req-status').textContent = r.ok ? 'asked' : r.body.message;
  $('req-status').className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) loadRequests();
}

// The leader decides on others' requests; the requester downloads once approved (each download is audited).
async function loadRequests() {
  const r = await App.api('GET', '/api/exports/requests');
  if (!r.ok) return;
  const leader = App.me.role === 'DATA_MANAGEMENT_LEADER';
  $('requests').replaceChildren(...r.body.map((x) => App.el('tr', {},
    App.el('td', {}, App.time(x.requestedAt)), App.el('td', {}, x.requestedByName),
    App.el('td', {}, x.cases.join(', ')), App.el('td', {}, x.purpose + ' · for ' + x.recipient),
    App.el('td', {}, App.label(x.status) + (x.decidedBy ? ' by ' + x.decidedBy : '')),
    App.el('td', {}, x.status === 'PENDING' && leader && x.requestedBy !== App.me.username
      ? [App.el('button', { onclick: () => decide(x.id, 'approve') }, 'Approve'), ' ',
        App.el('button', { onclick: () => decide(x.id, 'reject') }, 'Reject')]
      : x.status === 'APPROVED' && x.requestedBy === App.me.username
        ? App.el('a', { href: '/api/exports/requests/' + x.id + '/download' }, 'Download') : ''))));
}

async function decide(id, decision) {
  const note = prompt(decision === 'approve' ? 'Note for the approval (optional)' : 'Why is it rejected?');
  if (note === null) return;
  const r = await App.api('POST', '/api/exports/requests/' + id + '/' + decision, { note });
  if (!r.ok) alert(r.body.message);
  loadRequests();
}

init();
