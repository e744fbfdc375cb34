// The supervisor's page: the live queue and operators over STOMP, the call log with filters and keyset
// paging, and a call's timeline with its report (reading the report is audited on the server).
'use strict';

const $ = (id) => document.getElementById(id);
const Sup = { names: {}, cursor: null, form: [], escalations: new Map() };

async function init() {
  if (!await App.start()) return;
  const ops = (await App.api('GET', '/api/operators')).body;
  for (const o of ops) {
    Sup.names[o.id] = o.name;
    $('operator').append(App.el('option', { value: o.id }, o.name));
  }
  Sup.form = (await App.api('GET', '/api/forms/hotline')).body;
  $('apply').onclick = (e) => { e.preventDefault(); loadPage(null); };
  $('first').onclick = () => loadPage(null);
  $('next').onclick = () => loadPage(Sup.cursor);
  const link = App.live({
    onConnected: () => { $('link-status').textContent = 'live'; },
    onDisconnected: () => { $('link-status').textContent = 'reconnecting…'; },
  });
  link.subscribe('/topic/supervisor/queue', showQueue);
  link.subscribe('/topic/supervisor/escalations', (e) => {
    Sup.escalations.set(e.id, Object.assign(Sup.escalations.get(e.id) || {}, e));
    showEscalations();
    if (e.event === 'DisclosureAuthorised') loadOverrides();
  });
  loadOverrides();
  const open = await App.api('GET', '/api/escalations');
  if (open.ok) open.body.forEach((e) => Sup.escalations.set(e.id, e));
  showEscalations();
  showQueue((await App.api('GET', '/api/live/queue')).body);
  loadPage(null);
}

// Escalations not closed, oldest first; one nobody acknowledged in time is marked by its alert round.
function showEscalations() {
  const rows = [...Sup.escalations.values()].filter((e) => e.status !== 'CLOSED')
    .sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : 1));
  $('escalations').replaceChildren(...rows.map((e) => App.el('tr', { id: 'sup-esc-' + e.id,
    class: e.status === 'OPEN' && e.alertRound > 1 ? 'overdue' : '' },
  App.el('td', {}, App.time(e.raisedAt)), App.el('td', {}, e.agency), App.el('td', {}, App.label(e.level)),
  App.el('td', {}, App.label(e.danger) + ' · ' + e.reference, e.disclosure ? App.el('div', { class: e.disclosure === 'CONSENT' ? 'muted' : 'override' },
    'identifying details: ' + App.label(e.disclosure)) : ''),
  App.el('td', { class: 'esc-status' }, App.label(e.status) + (e.status === 'OPEN' && e.alertRound > 1
    ? ' · not acknowledged, alert ' + e.alertRound : '') + (e.outcome ? ' · ' + App.label(e.outcome) : '')),
  App.el('td', {}, App.el('button', { class: 'close-esc', onclick: () => closeEscalation(e.id) }, 'Close…')))));
}

// Every time identifying details were allowed without the caller's consent: who, when, on what ground and why.
async function loadOverrides() {
  const r = await App.api('GET', '/api/escalations/overrides');
  if (!r.ok) return;
  $('overrides').replaceChildren(...(r.body.length ? r.body.map((o) => App.el('tr', { id: 'override-' + o.escalation },
    App.el('td', {}, App.time(o.decidedAt)), App.el('td', {}, o.decidedBy), App.el('td', {}, o.agency),
    App.el('td', {}, App.label(o.basis)), App.el('td', {}, o.justification)))
    : [App.el('tr', {}, App.el('td', { colspan: 5, class: 'muted' }, 'none'))]));
}

async function closeEscalation(id) {
  const reason = prompt('Why is this escalation closed?');
  if (!reason) return;
  const r = await App.api('POST', '/api/escalations/' + encodeURIComponent(id) + '/close', { reason });
  if (!r.ok) { alert(r.body.message); return; }
  Sup.escalations.set(id, r.body);
  showEscalations();
}

function showQueue(snapshot) {
  $('queue').replaceChildren(...snapshot.waiting.map((w) => App.el('tr', {},
    App.el('td', {}, w.urgent ? App.el('span', { class: 'urgent' }, 'URGENT') : ''),
    App.el('td', {}, w.language || '?'), App.el('td', {}, App.time(w.queuedAt)))));
  $('seats').replaceChildren(...snapshot.operators.map((s) => App.el('tr', {},
    App.el('td', {}, Sup.names[s.operator] || s.operator),
    App.el('td', { class: 'presence-' + s.presence }, App.label(s.presence)), App.el('td', {}, App.time(s.since)))));
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
  $('calllog').replaceChildren(...r.body.rows.map((row) => App.el('tr', { class: 'clickable', 'data-call': row.call,
    onclick: () => showDetail(row.call) },
  App.el('td', {}, App.time(row.arrivedAt)), App.el('td', {}, row.callerMask),
  App.el('td', {}, (row.urgent ? 'urgent · ' : '') + (row.language || '?') + ' · ' + App.label(row.callerType)),
  App.el('td', {}, App.duration(row.waitSeconds)), App.el('td', {}, App.duration(row.talkSeconds)),
  App.el('td', {}, row.operatorName || ''), App.el('td', { class: 'outcome' }, App.label(row.outcome || row.state)),
  App.el('td', {}, row.report ? App.label(row.reportStatus) : '—', row.caseReference
    ? App.el('div', { class: 'muted case-ref' }, 'case ' + row.caseReference) : ''))));
}

async function showDetail(id) {
  const r = await App.api('GET', '/api/calllog/' + id);
  if (!r.ok) { alert(r.body.message); return; }
  const d = r.body;
  const s = d.summary;
  $('detail').hidden = false;
  $('detail-summary').replaceChildren(App.el('p', {}, 'Caller ', App.el('strong', {}, s.callerMask), ' via ', s.provider,
    ' · arrived ', App.time(s.arrivedAt), ' · outcome ', App.el('strong', { id: 'detail-outcome' }, App.label(s.outcome || s.state))),
  App.el('p', {}, 'IVR: ' + Object.entries(d.ivrPath).map(([q, a]) => App.label(q) + ': ' + App.label(a)).join(' · ')));
  $('timeline').replaceChildren(...d.timeline.map((e) => App.el('tr', { class: 'event' },
    App.el('td', {}, e.seq), App.el('td', {}, App.time(e.at)), App.el('td', { class: 'event-type' }, e.type),
    App.el('td', {}, e.operator ? d.operatorNames[e.operator] || e.operator : ''),
    App.el('td', {}, Object.entries(e.detail).map(([k, v]) => k + ': ' + v).join(', ')))));
  const box = $('detail-report');
  if (!s.report) { box.textContent = 'No report.'; return; }
  const rep = await App.api('GET', '/api/reports/' + s.report);
  if (!rep.ok) { box.textContent = rep.body.message; return; }
  const values = rep.body.report.values;
  box.replaceChildren(App.el('p', {}, 'Status: ', App.el('strong', { id: 'report-status' }, App.label(rep.body.report.status)),
    ' · by ', rep.body.report.operatorName, rep.body.report.submittedAt ? ' · submitted ' + App.time(rep.body.report.submittedAt) : ''),
  App.el('table', {}, App.el('tbody', { id: 'report-values' }, Sup.form.filter((f) => values[f.name] !== undefined).map((f) =>
    App.el('tr', {}, App.el('th', {}, f.label),
      App.el('td', {}, Array.isArray(values[f.name]) ? values[f.name].map(App.label).join(', ') : String(values[f.name])))))),
  rep.body.report.personalHidden ? App.el('p', { class: 'muted' }, 'Personal fields are for the case\'s data manager.') : '');
}

init();
