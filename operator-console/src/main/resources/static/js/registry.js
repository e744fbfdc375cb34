// The registry for data managers: the cases, one case in the standard format (each field saved while it is typed,
// never lost: a refused value stays with its message, a value changed elsewhere meanwhile is shown beside ours),
// its status, consent answers, the reports it is made of, the cases it may duplicate, and its history in words.
//
// Refused text is kept by the server with the case, encrypted like the personal fields, and shown back after a
// reload. Never the browser's sessionStorage or localStorage: what is typed about people must not sit in clear text
// on a shared desk, nor come back in a tab the next person uses after sign-out and be saved as theirs.
'use strict';

const $ = (id) => document.getElementById(id);
const Reg = { form: [], fields: {}, current: null, listed: 0, versions: {}, pending: {}, saving: {} };
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
// Typing pauses this long before the field is saved: every pause saves, as on the operator's form.
const SAVE_AFTER_MS = 700;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A code from a list in words; a place is a name as the jurisdiction configured it ("St. Andrew"), never relabelled.
function words(code) {
  if (code === null || code === undefined || code === '') return '';
  if (typeof code === 'boolean') return App.label(code);
  return /^[A-Z][A-Z0-9_]*$/.test(String(code)) ? App.label(code) : String(code);
}

async function init() {
  // An earlier version of this page kept unsent words in the tab's storage; none may stay there.
  try {
    Object.keys(sessionStorage).filter((k) => k.startsWith('registry:')).forEach((k) => sessionStorage.removeItem(k));
  } catch (e) { /* storage off: nothing kept */ }
  if (!await App.start()) return;
  Reg.form = (await App.api('GET', '/api/forms/case')).body;
  Reg.fields = Object.fromEntries(Reg.form.map((f) => [f.name, f]));
  // Agencies by name in the history's escalation lines ("Test Police", not "test-police").
  const directory = await App.api('GET', '/api/directory');
  Reg.agencies = directory.ok ? Object.fromEntries(directory.body.map((a) => [a.id, a.name])) : {};
  $('status-filter').append(...STATUSES.map((s) => App.el('option', { value: s }, App.label(s))));
  $('next-status').append(...STATUSES.map((s) => App.el('option', { value: s }, App.label(s))));
  $('reload').addEventListener('click', (e) => App.busy(e.currentTarget, loadList));
  $('find-form').addEventListener('submit', (e) => { e.preventDefault(); App.busy($('find'), findCase); });
  // Enter in a field of the standard format saves that field (its change event), it never submits a form.
  $('case-form').addEventListener('submit', (e) => e.preventDefault());
  $('take').addEventListener('click', (e) => App.busy(e.currentTarget, () => assign(App.me.username)));
  $('assign').addEventListener('click', (e) => App.busy(e.currentTarget, () => assign($('assign-to').value)));
  $('change-status').addEventListener('click', (e) => App.busy(e.currentTarget, changeStatus));
  $('doc-kind').append(...DOCUMENT_KINDS.map((k) => App.el('option', { value: k }, App.label(k))));
  $('doc-upload').addEventListener('click', (e) => App.busy(e.currentTarget, upload));
  $('exp-download').addEventListener('click', exportLink);
  $('req-send').addEventListener('click', (e) => App.busy(e.currentTarget, askForExport));
  $('req-cases').addEventListener('input', () => { Reg.exportKey = null; });
  // Words typed but not yet saved, or refused: leaving asks first.
  window.addEventListener('beforeunload', (e) => {
    if (unsaved()) { e.preventDefault(); e.returnValue = ''; }
  });
  $('assign-box').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  // Floor reports are the leader's among the registry's users (FloorReportAccess).
  $('floor-reports-link').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  $('trail-link').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  $('retention-link').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  if (App.me.role === 'DATA_MANAGEMENT_LEADER') loadAssignees();
  loadRequests();
  loadList();
}

// The export link is followed only with both dates, or the browser would leave the page for an error document.
function exportLink(e) {
  const from = $('exp-from');
  const to = $('exp-to');
  App.fieldError(from, null);
  App.fieldError(to, null);
  if (!from.value) { e.preventDefault(); App.fieldError(from, 'Choose the first day of the period to export.'); return; }
  if (!to.value) { e.preventDefault(); App.fieldError(to, 'Choose the last day of the period to export.'); return; }
  if (to.value < from.value) {
    e.preventDefault();
    App.fieldError(to, 'The last day cannot be before the first.');
    return;
  }
  e.currentTarget.href = '/api/exports/htcds?' + new URLSearchParams({ format: $('exp-format').value,
    from: from.value, to: to.value });
}

async function loadAssignees() {
  const r = await App.api('GET', '/api/cases/assignees');
  if (!r.ok) return;
  $('assign-to').replaceChildren(App.el('option', { value: '' }, '— choose a data manager —'),
    ...r.body.map((m) => App.el('option', { value: m.username }, m.displayName)));
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
  if (!reference) { await loadList(); return; }
  const asked = ++Reg.listed;
  const r = await App.api('GET', '/api/cases?reference=' + encodeURIComponent(reference));
  if (r.ok && asked === Reg.listed) renderList(r.body);
}

function renderList(cases) {
  $('cases').replaceChildren(...(cases.length ? cases.map((c) => {
    const row = App.el('tr', { class: 'clickable', 'data-case': c.id, tabindex: '0' },
      App.el('td', {}, c.reference), App.el('td', {}, App.label(c.status)), App.el('td', {}, c.assignedName || '—'),
      App.el('td', {}, [App.label(c.sex), c.age].filter((x) => x !== null && x !== undefined && x !== '').join(' · ')),
      App.el('td', {}, c.place || ''), App.el('td', {}, (c.exploitationTypes || []).map(App.label).join(', ')),
      App.el('td', {}, App.el('time', { datetime: c.createdAt, title: App.time(c.createdAt) }, App.date(c.createdAt))));
    row.addEventListener('click', () => openCase(c.id));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') openCase(c.id); });
    return row;
  }) : [App.el('tr', {}, App.el('td', { colspan: 7, class: 'muted' }, 'No cases'))]));
}

async function openCase(id) {
  if (Reg.current && Reg.current.id !== id && unsaved()
      && !await App.confirm('Leave this case?', 'Some words in ' + Reg.current.reference
        + ' are not saved yet. They stay in this tab if you come back to the case.', 'Open the other case')) return;
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id));
  if (!r.ok) { await App.tell('The case cannot be opened', r.body.message); return; }
  show(r.body);
}

function show(body) {
  const c = body.case;
  Reg.current = c;
  Reg.versions = Object.assign({}, c.fieldVersions || {});
  $('case').hidden = false;
  $('no-case').hidden = true;
  $('case-title').textContent = 'Case ' + c.reference;
  $('case-meta').replaceChildren('Status ', App.el('strong', { id: 'case-status' }, App.label(c.status)),
    ' · data manager ', c.assignedName || 'none yet', c.mergedInto ? ' · merged into another case' : '');
  $('take').hidden = !!c.assignedTo;
  $('personal-note').hidden = !c.personalHidden;
  $('sources').replaceChildren(...c.sources.map((s) => App.el('li', {}, sourceWords(s)
    + ' report, linked '
    + App.time(s.linkedAt) + (s.call ? ' · its call is in the call log' : '') + ' ',
  App.el('button', { type: 'button', class: 'show-source',
    onclick: (e) => App.busy(e.currentTarget, () => showSource(c, s, e.currentTarget.parentNode)) }, 'Show'),
  c.sources.length > 1 ? [' ', App.el('button', { type: 'button', class: 'move-source',
    onclick: (e) => App.busy(e.currentTarget, () => moveSource(c, s)) }, 'Move to another case')] : [])));
  $('related').textContent = body.related.length ? 'Related cases: ' + body.related.map((x) => x.reference).join(', ') : '';
  renderConsent(c);
  renderForm(c);
  loadCandidates(c.id);
  loadHistory(c.id);
  loadDocuments(c);
}

// A hotline report of a contact recorded by hand (issue 18) says how it came: "Hotline – walk-in".
function sourceWords(s) {
  return s.offlineChannel ? App.label(s.offlineChannel, 'offline') : App.label(s.channel, 'registry');
}

// What the report the case came from said (reading its personal fields is the case's data manager's, audited).
async function showSource(c, s, item) {
  const r = await App.api('GET', s.channel === 'HOTLINE' ? '/api/reports/' + s.report
    : '/api/cases/' + c.id + '/sources/' + s.report);
  if (!r.ok) { await App.tell('The report cannot be shown', r.body.message); return; }
  const source = s.channel === 'HOTLINE' ? r.body.report : r.body;
  item.querySelector('dl')?.remove();
  item.append(App.el('dl', { class: 'source-values facts' }, Object.entries(source.values).flatMap(([k, v]) =>
    [App.el('dt', {}, Reg.fields[k] ? Reg.fields[k].label : App.label(k)), App.el('dd', {}, shown(v, Reg.fields[k], k))]),
  source.personalHidden ? [App.el('dt', {}, 'Personal fields'), App.el('dd', { class: 'muted' },
    'for the case\'s data manager')] : []));
}

// One report that belongs to another case (a merge is for the whole case).
async function moveSource(c, s) {
  const to = await App.ask('Move this ' + App.label(s.channel, 'registry').toLowerCase() + ' report',
    'It leaves ' + c.reference + ' for the case you name; both histories say so.',
    { label: 'The case it belongs to (C-…)' });
  if (!to) return;
  const note = await App.ask('Why does it belong to ' + to.trim() + '?', null,
    { label: 'Why', multiline: true });
  if (!note) return;
  const r = await App.api('POST', '/api/cases/' + c.id + '/sources/' + s.report + '/move', { to: to.trim(), note });
  if (!r.ok) { await App.tell('The report was not moved', r.body.message); return; }
  show(r.body);
}

// Listed to every data manager; the link opens only for the case's own data manager and the leader (audited).
async function loadDocuments(c) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(c.id) + '/documents');
  if (!r.ok) return;
  $('documents').replaceChildren(...(r.body.length ? r.body.map((d) => App.el('li', {},
    c.personalHidden ? App.label(d.kind) : App.el('a', { href: '/api/cases/' + c.id + '/documents/' + d.id },
      App.label(d.kind)), ' · ' + mediaName(d.mediaType) + ' · ' + Math.ceil(d.sizeBytes / 1024) + ' KB · '
    + d.uploadedBy + ' · ' + App.time(d.uploadedAt)))
    : [App.el('li', { class: 'muted' }, 'None')]));
}

function mediaName(type) {
  return { 'application/pdf': 'PDF', 'image/png': 'PNG image', 'image/jpeg': 'JPEG image' }[type] || type;
}

async function upload() {
  const file = $('doc-file').files[0];
  if (!file) { App.fieldError($('doc-file'), 'Choose a file first.'); return; }
  App.fieldError($('doc-file'), null);
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
  headers[App.me.csrf.header] = App.me.csrf.token;
  const r = await fetch('/api/cases/' + Reg.current.id + '/documents?kind=' + $('doc-kind').value,
    { method: 'POST', headers, body: file }).catch(() => null);
  const body = r ? await r.json().catch(() => ({})) : { message: 'the server cannot be reached' };
  $('doc-status').textContent = r && r.ok ? 'Attached' : (body.message || 'Not attached');
  $('doc-status').className = 'field-status ' + (r && r.ok ? 'saved' : 'error');
  if (r && r.ok) { $('doc-file').value = ''; loadDocuments(Reg.current); loadHistory(Reg.current.id); }
}

// ---- the standard format: saved while typed, never lost ---------------------------------------------------------

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
  showKept(c);
}

function field(f, value, hidden) {
  const id = 'c-' + f.name;
  const status = App.el('span', { id: 'cstatus-' + f.name, class: 'field-status', 'aria-live': 'off' },
    hidden ? 'Not shown to you' : '');
  let input;
  if (f.kind === 'CODE' || f.kind === 'BOOLEAN' || f.kind === 'COUNTRY') {
    input = App.el('select', { id, disabled: hidden, 'aria-describedby': status.id });
    if (f.kind === 'COUNTRY') {
      input.append(...App.countryOptions(value, '—'));
    } else {
      const options = f.kind === 'BOOLEAN' ? [['true', 'Yes'], ['false', 'No']] : f.codes.map((o) => [o, words(o)]);
      input.append(App.el('option', { value: '' }, '—'),
        ...options.map(([v, label]) => App.el('option', { value: v, selected: String(value) === v }, label)));
    }
    input.addEventListener('change', () => save(f, input));
  } else if (f.kind === 'CODES') {
    input = App.el('select', { id, multiple: true, size: Math.min(6, f.codes.length), disabled: hidden,
      'aria-describedby': status.id },
    f.codes.map((o) => App.el('option', { value: o, selected: (value || []).includes(o) }, words(o))));
    input.addEventListener('change', () => save(f, input));
  } else {
    const long = f.kind === 'TEXT' && f.maxLength > 300;
    input = App.el(long ? 'textarea' : 'input', { id, disabled: hidden, 'aria-describedby': status.id,
      type: long ? undefined : f.kind === 'DATE' ? 'date' : 'text',
      inputmode: f.kind === 'INTEGER' ? 'numeric' : undefined });
    input.value = value === undefined || value === null ? '' : value;
    input.addEventListener('input', () => typed(f, input));
    input.addEventListener('change', () => save(f, input));
  }
  input.dataset.saved = JSON.stringify(valueOf(f, input));
  return App.el('div', { class: 'field' }, App.el('label', { for: id }, f.label), input, status);
}

// The value to send: what is typed, as typed (a refused "-5" is sent and answered, never silently dropped).
function valueOf(f, input) {
  if (f.kind === 'CODES') return [...input.selectedOptions].map((o) => o.value);
  if (input.value === '') return null;
  if (f.kind === 'BOOLEAN') return input.value === 'true';
  if (f.kind === 'INTEGER' && /^\d+$/.test(input.value.trim())) return Number(input.value.trim());
  return input.value;
}

function typed(f, input) {
  clearTimeout(Reg.pending[f.name]);
  Reg.pending[f.name] = setTimeout(() => save(f, input), SAVE_AFTER_MS);
  status(f, 'Not saved yet', '');
}

// What the server refused and keeps with the case: back in its field with why, until corrected or cleared.
function showKept(c) {
  for (const f of Reg.form) {
    const kept = (c.refused || {})[f.name];
    const input = $('c-' + f.name);
    if (!kept || !input || input.disabled) continue;
    input.value = kept.value;
    refused(f, input, kept.reason);
  }
}

function refused(f, input, reason) {
  status(f, 'Not accepted: ' + reason + '. What you typed is kept here; correct it and it is saved.', 'error');
  input.setAttribute('aria-invalid', 'true');
}

function status(f, text, kind) {
  const s = $('cstatus-' + f.name);
  s.textContent = text;
  s.className = 'field-status' + (kind ? ' ' + kind : '');
}

function unsaved() {
  return Object.values(Reg.pending).some((t) => t) || Object.values(Reg.saving).some((p) => p)
    || document.querySelector('#case-form [aria-invalid="true"], #case-form .conflict-box') !== null;
}

async function save(f, input) {
  clearTimeout(Reg.pending[f.name]);
  Reg.pending[f.name] = null;
  // One save of a field at a time, in order: the next starts from the version the last one made.
  while (Reg.saving[f.name]) await Reg.saving[f.name];
  const value = valueOf(f, input);
  if (JSON.stringify(value) === input.dataset.saved && input.getAttribute('aria-invalid') !== 'true') return;
  const caseId = Reg.current.id;
  const version = Reg.versions[f.name] || 0;
  status(f, 'Saving…', '');
  const request = App.api('PUT', '/api/cases/' + caseId + '/fields/' + f.name, { value, version });
  Reg.saving[f.name] = request;
  const r = await request;
  Reg.saving[f.name] = null;
  if (!Reg.current || Reg.current.id !== caseId) return;
  if (r.ok) {
    Reg.versions[f.name] = r.body.fieldVersion;
    saved(f, input, value);
    loadHistory(caseId);
  } else if (r.status === 409 && r.body && r.body.field === f.name) {
    conflict(f, input, value, r.body);
  } else {
    const message = (r.body && r.body.fields && r.body.fields[f.name]) || (r.body && r.body.message) || 'Not saved';
    if (r.body && r.body.kept) refused(f, input, message); else status(f, 'Not saved: ' + message, 'error');
    input.setAttribute('aria-invalid', 'true');
    App.announce('Not saved: ' + f.label + ': ' + message);
  }
}

function saved(f, input, value) {
  input.dataset.saved = JSON.stringify(value);
  input.removeAttribute('aria-invalid');
  $('conflict-' + f.name)?.remove();
  // Typing that went on while this save was in flight is saved next; only then is the field "Saved".
  if (JSON.stringify(valueOf(f, input)) !== input.dataset.saved) return;
  status(f, 'Saved', 'saved');
  App.announce('Saved: ' + f.label);
}

// Changed elsewhere since this page read it: both values side by side, the person keeps one.
function conflict(f, input, mine, answer) {
  status(f, 'Changed elsewhere: choose which to keep', 'conflict');
  $('conflict-' + f.name)?.remove();
  const keepMine = App.el('button', { type: 'button', class: 'keep-mine primary' }, 'Keep mine');
  const keepTheirs = App.el('button', { type: 'button', class: 'keep-theirs' }, 'Keep the saved one');
  const box = App.el('div', { id: 'conflict-' + f.name, class: 'conflict-box', role: 'group',
    'aria-label': f.label + ': two values' },
  App.el('p', {}, 'Someone saved this field while you were typing.'),
  App.el('dl', { class: 'facts' }, App.el('dt', {}, 'Saved elsewhere'),
    App.el('dd', { class: 'theirs' }, shown(answer.current, f) || '(empty)'),
    App.el('dt', {}, 'Yours'), App.el('dd', { class: 'mine' }, shown(mine, f) || '(empty)')),
  App.el('p', { class: 'actions' }, keepMine, ' ', keepTheirs));
  keepMine.addEventListener('click', () => App.busy(keepMine, async () => {
    Reg.versions[f.name] = answer.version;
    input.dataset.saved = JSON.stringify(answer.current === undefined ? null : answer.current);
    box.remove();
    await save(f, input);
  }));
  keepTheirs.addEventListener('click', () => {
    Reg.versions[f.name] = answer.version;
    setValue(f, input, answer.current);
    box.remove();
    saved(f, input, valueOf(f, input));
  });
  input.closest('.field').append(box);
  App.announce(f.label + ' was changed elsewhere: choose which value to keep', true);
}

function setValue(f, input, value) {
  if (f.kind === 'CODES') {
    [...input.options].forEach((o) => { o.selected = (value || []).includes(o.value); });
  } else {
    input.value = value === null || value === undefined ? '' : String(value);
  }
}

// A stored value as a person reads it: names for codes and countries, Yes/No, dates in the jurisdiction's format.
function shown(v, f, key) {
  if (v === null || v === undefined || v === '') return '';
  // The source reports' own facts (not fields of the case form): a language code, an instant.
  if (key === 'language' && typeof v === 'string') return App.language(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return App.time(v);
  if (Array.isArray(v)) return v.map((x) => shown(x, f)).join(', ');
  if (typeof v === 'boolean') return App.label(v);
  if (f && f.kind === 'COUNTRY') return App.country(v);
  if (f && f.kind === 'DATE' && /^\d{4}-\d{2}-\d{2}$/.test(String(v))) return App.date(String(v));
  if (typeof v === 'string' && UUID.test(v)) return App.shortId(v);
  return typeof v === 'string' ? words(v) : String(v);
}

// ---- consent, assignment, status ----------------------------------------------------------------------------

function renderConsent(c) {
  const answers = Object.fromEntries(c.consent.map((a) => [a.question, a]));
  $('consent').replaceChildren(...Object.entries(QUESTIONS).map(([q, text]) => {
    const a = answers[q];
    const answer = App.el('select', { id: 'consent-' + q, 'aria-label': 'Answer to ' + q },
      App.el('option', { value: '' }, '—'),
      App.el('option', { value: 'true', selected: a && a.answer }, 'Yes'),
      App.el('option', { value: 'false', selected: a && !a.answer }, 'No'));
    const by = App.el('input', { type: 'text', id: 'consent-by-' + q, maxlength: 120, 'aria-label': 'Asked by, ' + q });
    by.value = a && a.askedBy ? a.askedBy : '';
    const on = App.el('input', { type: 'date', id: 'consent-on-' + q, 'aria-label': 'Asked on, ' + q });
    on.value = a ? a.askedOn : '';
    const record = App.el('button', { type: 'button' }, 'Record');
    record.addEventListener('click', () => App.busy(record, () => recordConsent(q)));
    return App.el('tr', {}, App.el('td', {}, q + ' ' + text), App.el('td', {}, answer), App.el('td', {}, by),
      App.el('td', {}, on), App.el('td', {}, record));
  }));
}

async function recordConsent(q) {
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/consent', {
    question: q, answer: $('consent-' + q).value === '' ? null : $('consent-' + q).value === 'true',
    askedBy: $('consent-by-' + q).value, askedOn: $('consent-on-' + q).value || null,
  });
  if (!r.ok) { App.fieldError($('consent-' + q), r.body.message); return; }
  App.announce('Consent ' + q + ' recorded');
  show(r.body);
}

async function assign(username) {
  if (!username) { App.fieldError($('assign-to'), 'Choose a data manager.'); return; }
  App.fieldError($('assign-to'), null);
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/assign', { to: username });
  if (!r.ok) { await App.tell('The case was not assigned', r.body.message); return; }
  App.announce('Assigned to ' + (r.body.case.assignedName || username));
  show(r.body);
  loadList();
}

// Closing and reopening say why: asked in a dialog, so the note is never forgotten in a field below.
async function changeStatus() {
  const to = $('next-status').value;
  let note = $('status-note').value.trim() || null;
  if (!note && (to === 'CLOSED' || Reg.current.status === 'CLOSED')) {
    note = await App.ask(to === 'CLOSED' ? 'Close ' + Reg.current.reference : 'Reopen ' + Reg.current.reference,
      'The reason goes into the case\'s history.', { label: 'Why', multiline: true });
    if (!note) return;
  }
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/status', { status: to, note });
  $('case-status-msg').textContent = r.ok ? 'Done' : r.body.message;
  $('case-status-msg').className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) { $('status-note').value = ''; App.announce('Status: ' + App.label(to)); show(r.body); loadList(); }
}

async function loadCandidates(id) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id) + '/candidates');
  if (!r.ok) return;
  $('candidates').replaceChildren(...(r.body.length ? r.body.map((c) => {
    const merge = App.el('button', { type: 'button', class: 'merge', 'data-case': c.id }, 'Merge this case into it');
    const relateButton = App.el('button', { type: 'button', class: 'relate' }, 'Relate');
    merge.addEventListener('click', () => App.busy(merge, () => mergeInto(c)));
    relateButton.addEventListener('click', () => App.busy(relateButton, () => relate(c)));
    return App.el('tr', {}, App.el('td', {}, c.reference), App.el('td', {}, App.label(c.status)),
      App.el('td', {}, c.reasons.map(App.label).join(', ')), App.el('td', {}, merge, ' ', relateButton));
  }) : [App.el('tr', {}, App.el('td', { class: 'muted' }, 'No candidates'))]));
}

async function mergeInto(candidate) {
  const note = await App.ask('Merge ' + Reg.current.reference + ' into ' + candidate.reference,
    Reg.current.reference + ' is closed and its reports, documents and consent answers join '
    + candidate.reference + '.', { label: 'Why are they the same case?', multiline: true, okLabel: 'Merge' });
  if (!note) return;
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/merge', { into: candidate.id, note });
  if (!r.ok) { await App.tell('The cases were not merged', r.body.message); return; }
  App.announce(Reg.current.reference + ' merged into ' + candidate.reference);
  show(r.body);
  loadList();
}

async function relate(candidate) {
  const reason = await App.ask('Relate ' + candidate.reference, null,
    { label: 'How is ' + candidate.reference + ' related?', multiline: true, okLabel: 'Relate' });
  if (!reason) return;
  const r = await App.api('POST', '/api/cases/' + Reg.current.id + '/relate', { other: candidate.id, reason });
  if (!r.ok) { await App.tell('The cases were not related', r.body.message); return; }
  show(r.body);
}

// ---- history in words ----------------------------------------------------------------------------------------

async function loadHistory(id) {
  const r = await App.api('GET', '/api/cases/' + encodeURIComponent(id) + '/history');
  if (!r.ok || !Reg.current || Reg.current.id !== id) return;
  $('history').replaceChildren(...r.body.map((e) => App.el('li', {},
    App.el('time', { datetime: e.at }, App.time(e.at)), ' · ', describe(e),
    e.actorName ? ' · by ' + e.actorName : '')));
}

function describe(e) {
  const d = e.detail || {};
  const note = d.note ? ': ' + d.note : '';
  switch (e.type) {
    case 'CREATED':
      return 'Case opened from ' + article(App.label(d.channel, 'registry').toLowerCase()) + ' report'
        + (d.earlierReference ? ' (it gave the reference ' + d.earlierReference + ', which names no case)' : '');
    case 'SOURCE_LINKED':
      return App.label(d.channel, 'registry') + ' report linked'
        + (d.movedFromReference ? ', moved from ' + d.movedFromReference : '')
        + (d.earlierReference ? ' (it gave the reference ' + d.earlierReference + ')' : '') + note;
    case 'CHANGED':
      if (d.field) return (Reg.fields[d.field] ? Reg.fields[d.field].label : App.label(d.field)) + ' changed';
      if (d.relatedTo) return 'Related to ' + (d.relatedToReference || 'another case');
      if (d.sourceMovedTo) return App.label(d.channel, 'registry') + ' report moved to ' + d.reference + note;
      return 'Changed' + rest(d);
    case 'STATUS':
      return 'Status ' + App.label(d.from) + ' → ' + App.label(d.to) + note;
    case 'ASSIGNED':
      return 'Assigned to ' + (d.toName || 'a data manager');
    case 'CONSENT':
      return 'Consent ' + d.question + ': ' + App.label(d.answer) + (d.askedOn ? ', asked on ' + App.date(d.askedOn) : '')
        + (d.askedBy ? ' by ' + d.askedBy : '') + (d.mergedFromReference ? ', from ' + d.mergedFromReference : '');
    case 'DOCUMENT':
      return App.label(d.kind) + ' attached' + (d.mergedFromReference ? ', from ' + d.mergedFromReference : '');
    case 'MERGED_FROM':
      return 'Case ' + d.reference + ' merged into this one' + note;
    case 'MERGED_INTO':
      return 'Merged into ' + d.reference + note;
    case 'ESCALATION': {
      const to = d.agency ? ' to ' + (Reg.agencies[d.agency] || d.agency) : '';
      const what = [d.step ? App.label(d.step, 'step') : null, d.level ? App.label(d.level) : null,
        d.status ? App.label(d.status) : null, d.outcome ? App.label(d.outcome) : null].filter((x) => x);
      return 'Escalation' + to + (what.length ? ': ' + what.join(', ') : '');
    }
    default:
      return App.label(e.type) + rest(d);
  }
}

function article(word) {
  return (/^[aeiou]/.test(word) ? 'an ' : 'a ') + word;
}

// The details nobody wrote a sentence for: in words, ids left out.
function rest(d) {
  const parts = Object.entries(d).filter(([k, v]) => !/(^|[a-z])(id|Id)$/.test(k) && k !== 'answerId'
    && !(typeof v === 'string' && UUID.test(v)))
    .map(([k, v]) => App.label(k).toLowerCase() + ' ' + shown(v));
  return parts.length ? ': ' + parts.join(', ') : '';
}

// ---- exports -------------------------------------------------------------------------------------------------

async function askForExport() {
  // One key per request typed: a double click or a retry after a lost answer asks once.
  Reg.exportKey = Reg.exportKey || App.newRequestKey();
  const r = await App.api('POST', '/api/exports/requests', {
    cases: $('req-cases').value.split(/\s+/).filter((x) => x), purpose: $('req-purpose').value,
    recipient: $('req-recipient').value,
  }, { headers: { 'Idempotency-Key': Reg.exportKey } });
  $('req-status').textContent = r.ok ? 'Asked' : r.body.message;
  $('req-status').className = 'field-status ' + (r.ok ? 'saved' : 'error');
  if (r.ok) { Reg.exportKey = null; App.announce('Approval asked'); loadRequests(); }
}

// The leader decides on others' requests; the requester downloads once approved (each download is audited).
async function loadRequests() {
  const r = await App.api('GET', '/api/exports/requests');
  if (!r.ok) return;
  const leader = App.me.role === 'DATA_MANAGEMENT_LEADER';
  $('requests').replaceChildren(...(r.body.length ? r.body.map((x) => {
    let action = '';
    if (x.status === 'PENDING' && leader && x.requestedBy !== App.me.username) {
      const approve = App.el('button', { type: 'button', class: 'approve' }, 'Approve');
      const reject = App.el('button', { type: 'button', class: 'reject danger' }, 'Reject');
      approve.addEventListener('click', () => App.busy(approve, () => decide(x, 'approve')));
      reject.addEventListener('click', () => App.busy(reject, () => decide(x, 'reject')));
      action = [approve, ' ', reject];
    } else if (x.status === 'APPROVED' && x.requestedBy === App.me.username) {
      action = App.el('a', { href: '/api/exports/requests/' + x.id + '/download' }, 'Download');
    }
    return App.el('tr', {}, App.el('td', {}, App.time(x.requestedAt)), App.el('td', {}, x.requestedByName),
      App.el('td', {}, x.cases.join(', ')), App.el('td', {}, x.purpose + ' · for ' + x.recipient),
      App.el('td', {}, App.label(x.status) + (x.decidedByName || x.decidedBy ? ' by '
        + (x.decidedByName || x.decidedBy) : '')),
      App.el('td', {}, action));
  }) : [App.el('tr', {}, App.el('td', { colspan: 6, class: 'muted' }, 'No requests'))]));
}

async function decide(x, decision) {
  const note = decision === 'approve'
    ? (await App.confirm('Approve the export for ' + x.recipient, 'Purpose: ' + x.purpose + ' · cases '
      + x.cases.join(', '), 'Approve') ? '' : null)
    : await App.ask('Reject the export for ' + x.recipient, x.purpose,
      { label: 'Why is it rejected?', multiline: true, okLabel: 'Reject', danger: true });
  if (note === null) return;
  const r = await App.api('POST', '/api/exports/requests/' + x.id + '/' + decision, { note });
  if (!r.ok) await App.tell('Not done', r.body.message);
  else App.announce(decision === 'approve' ? 'Approved' : 'Rejected');
  loadRequests();
}

init();
