// The supervisor's page: the live queue and operators over STOMP, the call log with filters and keyset
// paging, and a call's timeline with its report (reading the report is audited on the server). Everything in
// words: agencies and operators by name, codes through labels, ids as short references (issue 17).
'use strict';

const $ = (id) => document.getElementById(id);
const Sup = { names: {}, agencies: {}, cursor: null, form: [], escalations: new Map() };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function init() {
  if (!await App.start()) return;
  const [ops, agencies, form] = await Promise.all([App.api('GET', '/api/operators'), App.api('GET', '/api/directory'),
    App.api('GET', '/api/forms/hotline')]);
  for (const o of ops.ok ? ops.body : []) {
    Sup.names[o.id] = o.name;
    $('operator').append(App.el('option', { value: o.id }, o.name));
  }
  for (const a of agencies.ok ? agencies.body : []) Sup.agencies[a.id] = a.name;
  Sup.form = form.ok ? form.body : [];
  for (const o of $('outcome').options) if (o.value) o.textContent = App.label(o.value);
  $('apply').addEventListener('click', (e) => { e.preventDefault(); loadPage(null); });
  $('first').addEventListener('click', () => loadPage(null));
  $('next').addEventListener('click', () => loadPage(Sup.cursor));
  const link = App.live({
    onConnected: () => { $('link-status').textContent = 'live'; },
    onDisconnected: () => { $('link-status').textContent = 'reconnecting…'; },
  });
  link.subscribe('/topic/supervisor/queue', showQueue);
  link.subscribe('/topic/supervisor/wrapup', showWrapUpOverdue);
  // The floor's alerts (issue 20): for those who see the floor; a data manager's page would be refused the topic.
  if (App.me.role === 'SUPERVISOR') {
    link.subscribe('/topic/floor.alerts', (a) => showFloorAlerts(a.alerts));
    App.api('GET', '/api/floor/alerts').then((a) => { if (a.ok) showFloorAlerts(a.body.alerts); });
    if (typeof Supervise !== 'undefined') Supervise.restore(Sup.names);
  } else {
    $('open-wallboard').hidden = true;
  }
  link.subscribe('/topic/supervisor/escalations', (e) => {
    Sup.escalations.set(e.id, Object.assign(Sup.escalations.get(e.id) || {}, e));
    showEscalations();
    if (e.event === 'DisclosureAuthorised') loadOverrides();
  });
  // A failed delivery is announced at once; the list (with the reasons) is read from the API.
  link.subscribe('/topic/supervisor/alert-failures', (f) => {
    App.announce('An alert to ' + f.to + ' could not be delivered (' + f.reference + ').', true);
    loadAlertFailures();
  });
  loadOverrides();
  loadAlertFailures();
  if (typeof CallerFlags !== 'undefined') CallerFlags.load(); // repeat callers: caller-flags.js
  const open = await App.api('GET', '/api/escalations');
  if (open.ok) open.body.forEach((e) => Sup.escalations.set(e.id, e));
  showEscalations();
  const queue = await App.api('GET', '/api/live/queue');
  if (queue.ok) showQueue(queue.body);
  loadPage(null);
}

const agencyName = (id) => Sup.agencies[id] || id;
const reference = (id) => 'E-' + String(id).slice(0, 8).toUpperCase();
const none = (columns) => App.el('tr', {}, App.el('td', { colspan: columns, class: 'muted' }, 'None'));

// Escalations not closed, oldest first; one nobody acknowledged in time is marked by its alert round.
function showEscalations() {
  const rows = [...Sup.escalations.values()].filter((e) => e.status !== 'CLOSED')
    .sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : 1));
  if (!rows.length) { $('escalations').replaceChildren(none(6)); return; }
  $('escalations').replaceChildren(...rows.map((e) => App.el('tr', { id: 'sup-esc-' + e.id,
    class: e.status === 'OPEN' && e.alertRound > 1 ? 'overdue' : '' },
  App.el('td', {}, App.time(e.raisedAt)), App.el('td', {}, agencyName(e.agency)), App.el('td', {}, App.label(e.level)),
  App.el('td', {}, App.label(e.danger) + ' · ' + e.reference, e.disclosure
    ? App.el('div', { class: e.disclosure === 'CONSENT' ? 'muted' : 'override' },
      'Identifying details: ' + App.label(e.disclosure).toLowerCase()) : ''),
  App.el('td', { class: 'esc-status' }, App.label(e.status) + (e.status === 'OPEN' && e.alertRound > 1
    ? ' · not acknowledged, alert round ' + e.alertRound : '') + (e.outcome ? ' · ' + App.label(e.outcome) : '')),
  App.el('td', {}, App.el('button', { class: 'close-esc', type: 'button',
    onclick: (ev) => closeEscalation(e, ev.currentTarget) }, 'Close…')))));
}

// Every time identifying details were allowed without the caller's consent: who, when, on what ground and why.
async function loadOverrides() {
  const r = await App.api('GET', '/api/escalations/overrides');
  if (!r.ok) return;
  $('overrides').replaceChildren(...(r.body.length ? r.body.map((o) => App.el('tr', { id: 'override-' + o.escalation },
    App.el('td', {}, App.time(o.decidedAt)), App.el('td', {}, o.decidedBy), App.el('td', {}, agencyName(o.agency)),
    App.el('td', {}, App.label(o.basis)), App.el('td', { class: 'long-text' }, o.justification))) : [none(5)]));
}

// Alerts that failed: the design says they fail visibly, so they are here and not only in the server's log.
async function loadAlertFailures() {
  const r = await App.api('GET', '/api/escalations/alert-failures');
  if (!r.ok) { $('alert-failures-card').hidden = true; return; }
  $('alert-failures').replaceChildren(...(r.body.length ? r.body.map((f) => App.el('tr', { class: 'alert-failure' },
    App.el('td', {}, App.time(f.at)), App.el('td', {}, f.to),
    App.el('td', {}, f.channel ? App.label(f.channel) : 'No longer configured'),
    App.el('td', {}, f.reference + (f.round > 1 ? ' · round ' + f.round : '')),
    App.el('td', { class: 'long-text' }, f.reason))) : [none(5)]));
}

async function closeEscalation(e, button) {
  const reason = await App.ask('Close escalation ' + e.reference,
    'Closing stops the alerts to ' + agencyName(e.agency) + '. Say why, for the record.',
    { label: 'Why is it closed?', multiline: true, okLabel: 'Close escalation' });
  if (reason === null) return;
  await App.busy(button, async () => {
    const r = await App.api('POST', '/api/escalations/' + encodeURIComponent(e.id) + '/close', { reason });
    if (!r.ok) { await App.tell('The escalation was not closed', r.body.message); return; }
    Sup.escalations.set(e.id, r.body);
    showEscalations();
    App.announce('Escalation ' + e.reference + ' closed.');
  });
}

function showQueue(snapshot) {
  $('queue').replaceChildren(...(snapshot.waiting.length ? snapshot.waiting.map((w) => App.el('tr', {},
    App.el('td', {}, w.urgent ? App.el('span', { class: 'urgent' }, 'Urgent') : ''),
    App.el('td', {}, App.language(w.language) || 'Not chosen'), App.el('td', {}, App.time(w.queuedAt))))
    : [none(3)]));
  // A row's set-away control is kept across updates (several a second on a busy floor): a supervisor choosing a
  // reason must not have the list closed under them.
  $('seats').replaceChildren(...snapshot.operators.map((s) => {
    const row = $('seat-' + s.operator) || App.el('tr', { id: 'seat-' + s.operator },
      App.el('td', {}, Sup.names[s.operator] || 'Another user'), App.el('td', {}), App.el('td', {}),
      App.el('td', {}, App.me.role === 'SUPERVISOR' ? setAwayControl(s) : ''), App.el('td', {}));
    row.cells[1].className = 'presence presence-' + s.presence;
    row.cells[1].textContent = presenceWords(s);
    row.cells[2].textContent = App.time(s.since);
    // Listen / Coach / Join on an operator's call (supervise-calls.js), redrawn with each snapshot.
    const name = Sup.names[s.operator] || 'another user';
    row.cells[4].replaceChildren(typeof Supervise !== 'undefined' ? Supervise.cell(s, name) : '');
    return row;
  }));
}

// Away with its reason, and who set it when it was not the operator (issue 20).
function presenceWords(s) {
  if (s.presence !== 'AWAY' || !s.reason) return App.label(s.presence, 'presence');
  return App.label(s.reason, 'away') + (s.setBy === 'SUPERVISOR' ? ' (set by a supervisor)' : '');
}

// A supervisor sets an operator away with a reason; refused in words while they ring or talk (the server says).
function setAwayControl(s) {
  const name = Sup.names[s.operator] || 'this operator';
  const select = App.el('select', { class: 'away-reason', 'aria-label': 'Why ' + name + ' is away' },
    ...['BREAK', 'TRAINING', 'MEETING', 'OTHER'].map((r) => App.el('option', { value: r }, App.label(r, 'away'))));
  const button = App.el('button', { type: 'button', class: 'set-away' }, 'Set away');
  button.onclick = () => App.busy(button, async () => {
    const r = await App.api('POST', '/api/operator-states/' + encodeURIComponent(s.operator) + '/away',
      { reason: select.value });
    if (!r.ok) { await App.tell(name + ' was not set away', r.body.message); return; }
    App.announce(name + ' is set away: ' + App.label(select.value, 'away') + '.');
  });
  return [select, ' ', button];
}

// An operator's after-call work ran past its maximum: who, and since when.
// Raised and cleared by the server (once per condition and interval); the words name no one. An urgent call with
// nobody free is left to this page's own alarm (floor-alarm.js: banner and sound), which already says it.
function showFloorAlerts(alerts) {
  const shown = alerts.filter((a) => a.kind !== 'URGENT_UNATTENDED');
  $('floor-alerts').hidden = !shown.length;
  $('floor-alerts').replaceChildren(...shown.map((a) => App.el('li', { 'data-kind': a.kind }, a.words)));
}

function showWrapUpOverdue(a) {
  const name = a.name || Sup.names[a.operator] || 'An operator';
  const text = name + ' has been in after-call work since ' + App.time(a.since) + ' (the maximum is '
    + App.duration(a.maxSeconds) + ').';
  $('wrapup-alerts').prepend(App.el('li', { class: 'wrapup-overdue' }, text));
  App.announce(text, true);
}

async function loadPage(cursor) {
  const q = new URLSearchParams();
  for (const id of ['from', 'to', 'outcome', 'operator']) if ($(id).value) q.set(id, $(id).value);
  if (cursor) q.set('cursor', cursor);
  q.set('limit', '25');
  const r = await App.api('GET', '/api/calllog?' + q);
  if (!r.ok) { $('log-error').textContent = r.body.message; return; }
  $('log-error').textContent = '';
  Sup.cursor = r.body.next;
  $('next').disabled = !r.body.next;
  $('calllog').replaceChildren(...(r.body.rows.length ? r.body.rows.map((row) => App.el('tr', { class: 'clickable',
    'data-call': row.call, tabindex: '0', onclick: () => showDetail(row.call),
    onkeydown: (ev) => { if (ev.key === 'Enter') showDetail(row.call); } },
  App.el('td', {}, App.time(row.arrivedAt)), App.el('td', {}, callerWords(row)),
  App.el('td', {}, row.direction === 'OFFLINE' ? offlineWords(row)
    : (row.urgent ? 'Urgent · ' : '') + (App.language(row.language) || 'No language chosen')
    + (row.callerType ? ' · ' + App.label(row.callerType) : ''),
    row.quietMode ? App.el('div', { class: 'quiet-used' }, App.label('QUIET_MODE', 'calllog')) : ''),
  App.el('td', { class: 'callback-safety' }, row.direction === 'OFFLINE' ? '—' : callBackWords(row)),
  // A contact recorded by hand never waited nor talked on our line: no figure rather than a false 0 s.
  App.el('td', {}, row.direction === 'OFFLINE' ? '—' : App.duration(row.waitSeconds)),
  App.el('td', {}, row.direction === 'OFFLINE' ? '—' : App.duration(row.talkSeconds)),
  App.el('td', {}, (row.operatorName || '') + enteredBy(row)),
  App.el('td', { class: 'outcome' }, outcomeWords(row)),
  App.el('td', {}, row.report ? App.label(row.reportStatus) : '—', row.caseReference
    ? App.el('div', { class: 'muted case-ref' }, 'Case ' + row.caseReference) : ''))) : [none(9)]));
}

// The caller's IVR answer on being called back, in words (a row or a call's summary); being overheard has its own
// line ("Could not speak freely: the yes/no script was used").
function callBackWords(s) {
  return s.safeToCallBack === true ? 'Safe to call back' : s.safeToCallBack === false ? 'Not safe to call back'
    : 'Call back not asked';
}

// One event's detail in words: an escalation by its reference and agency by name, codes through labels, and
// any other id shortened (nobody reads a full UUID on a night shift).
function eventDetail(e, names) {
  const d = e.detail || {};
  const parts = [];
  if (e.type === 'ESCALATION_STEP') {
    parts.push(App.label(d.step, 'step') + ': ' + (d.escalation ? reference(d.escalation) : '')
      + (d.agency ? ' to ' + agencyName(d.agency) : ''));
  }
  if (e.type === 'IVR_ANSWER' && d.question) parts.push(App.label(d.question) + ': ' + ivrAnswer(d.question, d.answer));
  const shown = new Set(e.type === 'ESCALATION_STEP' ? ['step', 'escalation', 'agency']
    : e.type === 'IVR_ANSWER' ? ['question', 'answer'] : []);
  for (const [k, v] of Object.entries(d)) {
    if (shown.has(k)) continue;
    let value = v;
    if (k === 'operator' || (k === 'to' || k === 'from' || k === 'askedBy') && names[v]) {
      value = names[v] || Sup.names[v] || 'another user';
    } else if (k === 'agency') value = agencyName(v);
    else if (UUID.test(String(v))) value = App.shortId(v);
    else if (/^[A-Z][A-Z_]+$/.test(String(v))) value = App.label(v).toLowerCase();
    else if (v === 'true' || v === 'false') value = App.label(v === 'true');
    parts.push(App.label(k, 'detail') + ': ' + value);
  }
  return parts.join(' · ');
}

async function showDetail(id) {
  const r = await App.api('GET', '/api/calllog/' + id);
  if (!r.ok) { await App.tell('The call could not be opened', r.body.message); return; }
  const d = r.body;
  const s = d.summary;
  $('detail').hidden = false;
  $('detail-summary').replaceChildren(s.direction === 'OFFLINE' ? App.el('p', {}, offlineWords(s), ' · ',
    App.time(s.arrivedAt), ' · taken by ', App.el('strong', {}, s.operatorName || 'unknown'), enteredBy(s),
    s.callerMask !== 'withheld' ? ' · from ' + s.callerMask : '', ' · ',
    App.el('strong', { id: 'detail-outcome' }, outcomeWords(s)))
    : App.el('p', {}, 'Caller ', App.el('strong', {}, s.callerMask), ' via ',
      App.label(s.provider, 'provider'), ' · arrived ', App.time(s.arrivedAt), ' · ',
      App.language(s.language) || 'no language chosen', ' · outcome ',
      App.el('strong', { id: 'detail-outcome' }, App.label(s.outcome || s.state)), ' · ',
      App.el('span', { id: 'detail-callback' }, callBackWords(s))),
  s.quietMode ? App.el('p', { id: 'detail-quiet' }, App.label('QUIET_MODE', 'calllog')) : '',
  s.direction === 'OFFLINE' ? '' : App.el('p', {}, 'Menu answers: ' + (Object.entries(d.ivrPath).map(([q, a]) => App.label(q) + ': ' + ivrAnswer(q, a))
    .join(' · ') || 'none')));
  if (typeof CallerFlags !== 'undefined') CallerFlags.forCall(s.call); // repeat callers: caller-flags.js
  $('timeline').replaceChildren(...d.timeline.map((e) => App.el('tr', { class: 'event' },
    App.el('td', {}, e.seq), App.el('td', {}, App.time(e.at)),
    App.el('td', { class: 'event-type' }, s.direction === 'OFFLINE' && e.type === 'ARRIVED'
      ? App.label('OFFLINE_ARRIVED', 'event') : App.label(e.type, 'event')),
    App.el('td', {}, e.operator ? d.operatorNames[e.operator] || Sup.names[e.operator] || 'Another user' : ''),
    App.el('td', { class: 'long-text' }, eventDetail(e, d.operatorNames)))));
  const box = $('detail-report');
  if (!s.report) { box.textContent = 'No report.'; return; }
  const rep = await App.api('GET', '/api/reports/' + s.report);
  if (!rep.ok) { box.textContent = rep.body.message; return; }
  const values = rep.body.report.values;
  const table = App.el('table', { class: 'keep-words' }, App.el('tbody', { id: 'report-values' }, Sup.form
    .filter((f) => values[f.name] !== undefined && values[f.name] !== null).map((f) =>
      App.el('tr', {}, App.el('th', { scope: 'row' }, f.label), App.el('td', { class: 'long-text' }, reportValue(values[f.name]))))));
  box.replaceChildren(App.el('p', {}, 'Status: ', App.el('strong', { id: 'report-status' },
    App.label(rep.body.report.status)), ' · by ', rep.body.report.operatorName,
  rep.body.report.submittedAt ? ' · submitted ' + App.time(rep.body.report.submittedAt) : ''), table,
  rep.body.report.personalHidden ? App.el('p', { class: 'muted' }, 'Personal fields are for the case\'s data manager.') : '');
  App.scrolling(table);
}

// Issue 18: a contact recorded by hand (walk-in, backup phone, letter, e-mail), named by how it came.
function offlineWords(row) {
  return 'Recorded contact: ' + App.label(row.offlineChannel).toLowerCase();
}

// A walk-in, a letter or an e-mail has no number; "withheld" would say the caller hid one.
function callerWords(row) {
  return row.direction === 'OFFLINE' && row.callerMask === 'withheld' ? 'no number' : row.callerMask;
}

// Nobody answered a line for it: "Answered" would be a call's word.
function outcomeWords(row) {
  return row.direction === 'OFFLINE' && row.outcome ? App.label('OFFLINE', 'outcome') : App.label(row.outcome || row.state);
}

function enteredBy(row) {
  return row.enteredByName && row.enteredByName !== row.operatorName ? ' (entered by ' + row.enteredByName + ')' : '';
}

function reportValue(v) {
  if (Array.isArray(v)) return v.map((x) => App.label(x)).join(', ');
  if (typeof v === 'boolean') return App.label(v);
  if (/^[A-Z][A-Z_]+$/.test(String(v))) return App.label(v);
  return String(v);
}

init();

// The caller's language is a code ("es"): the supervisor reads its name.
function ivrAnswer(question, answer) {
  return question === 'LANGUAGE' ? App.language(answer) : App.label(answer);
}
