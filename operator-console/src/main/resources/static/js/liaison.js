// The liaison view: the escalations addressed to this user's agency, live, to acknowledge and to record what
// was done. The server sends nothing else to this user.
'use strict';

const Liaison = { rows: new Map() };

async function init() {
  if (!await App.start()) return;
  document.getElementById('agency').textContent = App.me.agency;
  const r = await App.api('GET', '/api/liaison/escalations');
  if (r.ok) r.body.forEach((e) => Liaison.rows.set(e.id, e));
  render();
  Liaison.link = App.live({
    onConnected: () => { document.getElementById('link-status').textContent = 'live'; },
    onDisconnected: () => { document.getElementById('link-status').textContent = 'reconnecting…'; },
  });
  Liaison.link.subscribe('/topic/liaison/' + App.me.agency, (e) => {
    Liaison.rows.set(e.id, Object.assign(Liaison.rows.get(e.id) || {}, e));
    render();
  });
}

const OUTCOMES = ['OFFICERS_DISPATCHED', 'VICTIM_REMOVED', 'VICTIM_CONTACTED', 'REFERRED_ON', 'INVESTIGATION_OPENED',
  'NO_ACTION', 'OTHER'];

function render() {
  const rows = [...Liaison.rows.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1));
  const body = document.getElementById('escalations');
  if (!rows.length) {
    body.replaceChildren(App.el('tr', {}, App.el('td', { colspan: 5, class: 'muted' }, 'none')));
    return;
  }
  body.replaceChildren(...rows.flatMap((e) => {
    const row = App.el('tr', { id: 'esc-' + e.id, class: 'status-' + e.status },
      App.el('td', {}, App.time(e.raisedAt)),
      App.el('td', {}, App.label(e.level), e.disclosure ? App.el('div', { class: 'muted' }, 'details may be given') : ''),
      App.el('td', {}, App.label(e.danger), App.el('div', { class: 'muted' }, e.reference)),
      App.el('td', { class: 'esc-status' }, App.label(e.status), e.outcome ? ' · ' + App.label(e.outcome) : ''),
      App.el('td', {}, e.status === 'OPEN'
        ? App.el('button', { class: 'primary ack', onclick: () => acknowledge(e.id) }, 'Acknowledge') : '',
      ' ', App.el('button', { class: 'details', onclick: () => details(e.id) }, 'Details')));
    const open = Liaison.open === e.id && Liaison.detail ? [detailRow(Liaison.detail)] : [];
    return [row, ...open];
  }));
}

// One escalation in full: what the report says without naming anyone, identifying details when the hotline may
// give them (reading them is recorded), and the outcome form.
function detailRow(d) {
  const s = d.situation || {};
  const facts = App.el('dl', {},
    App.el('dt', {}, 'Place'), App.el('dd', {}, s.place || 'not known yet'),
    App.el('dt', {}, 'Exploitation'), App.el('dd', {}, (s.exploitation || []).map(App.label).join(', ') || 'not known yet'),
    App.el('dt', {}, 'Minors involved'), App.el('dd', {}, s.minorsInvolved === undefined ? 'not known'
      : s.minorsInvolved ? 'yes' : 'no'),
    App.el('dt', {}, 'People affected'), App.el('dd', {}, s.peopleInvolved || 'not known'));
  const who = d.identifying
    ? App.el('dl', { class: 'identifying' }, Object.entries(d.identifying).flatMap(([k, v]) =>
      [App.el('dt', {}, App.label(k.replace(/([A-Z])/g, '_$1'))), App.el('dd', {}, v)]))
    : App.el('p', { class: 'muted' }, 'No identifying details may be given for this escalation.');
  const code = App.el('select', { id: 'outcome-code' }, App.el('option', { value: '' }, 'what was done…'),
    OUTCOMES.map((o) => App.el('option', { value: o, selected: d.outcome === o }, App.label(o))));
  const note = App.el('textarea', { id: 'outcome-note', maxlength: 2000,
    placeholder: 'Note (needed for no action or other: say why)' });
  note.value = d.outcomeNote || '';
  const form = d.status === 'CLOSED' ? App.el('p', { class: 'muted' }, 'Closed by the hotline.')
    : App.el('p', {}, code, note, App.el('button', { class: 'outcome', onclick: () => outcome(d.id) }, 'Record outcome'));
  return App.el('tr', { class: 'detail' }, App.el('td', { colspan: 5 }, facts, who, form));
}

async function details(id) {
  if (Liaison.open === id) { Liaison.open = null; render(); return; }
  const r = await App.api('GET', '/api/liaison/escalations/' + encodeURIComponent(id));
  if (!r.ok) { alert(r.body.message); return; }
  Liaison.open = id;
  Liaison.detail = r.body;
  render();
}

async function acknowledge(id) {
  const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/acknowledge');
  if (!r.ok) { alert(r.body.message); return; }
  Liaison.rows.set(id, r.body);
  render();
}

async function outcome(id) {
  const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/outcome', {
    outcome: document.getElementById('outcome-code').value || null,
    note: document.getElementById('outcome-note').value || null,
  });
  if (!r.ok) { alert(r.body.message); return; }
  Liaison.rows.set(id, r.body);
  Liaison.open = null;
  render();
}

init();
