// The liaison view: the escalations addressed to this user's agency, live, to acknowledge and to record what
// was done. The server sends nothing else to this user. Read at a desk or on a phone in a patrol car, so each
// row stacks into a card on a small screen (table.stacked, with data-label per cell).
'use strict';

const Liaison = { rows: new Map() };

async function init() {
  if (!await App.start()) return;
  document.getElementById('agency').textContent = App.me.agencyName || App.me.agency;
  const r = await App.api('GET', '/api/liaison/escalations');
  if (r.ok) r.body.forEach((e) => Liaison.rows.set(e.id, e));
  render();
  Liaison.link = App.live({
    onConnected: () => { document.getElementById('link-status').textContent = 'live'; },
    onDisconnected: () => { document.getElementById('link-status').textContent = 'reconnecting…'; },
  });
  Liaison.link.subscribe('/topic/liaison/' + App.me.agency, (e) => {
    const known = Liaison.rows.has(e.id);
    Liaison.rows.set(e.id, Object.assign(Liaison.rows.get(e.id) || {}, e));
    render();
    if (!known) App.announce('New escalation: ' + App.label(e.level) + ', ' + App.label(e.danger) + '.', true);
  });
}

const OUTCOMES = ['OFFICERS_DISPATCHED', 'VICTIM_REMOVED', 'VICTIM_CONTACTED', 'REFERRED_ON', 'INVESTIGATION_OPENED',
  'NO_ACTION', 'OTHER'];

const cell = (label, ...content) => App.el('td', { 'data-label': label }, ...content);

function render() {
  const rows = [...Liaison.rows.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1));
  const body = document.getElementById('escalations');
  if (!rows.length) {
    body.replaceChildren(App.el('tr', {}, App.el('td', { colspan: 5, class: 'muted' }, 'None yet')));
    return;
  }
  body.replaceChildren(...rows.flatMap((e) => {
    const row = App.el('tr', { id: 'esc-' + e.id, class: 'status-' + e.status },
      cell('Raised', App.time(e.raisedAt)),
      cell('Level', App.label(e.level), e.disclosure ? App.el('div', { class: 'muted' }, 'Details may be given') : ''),
      cell('Danger', App.label(e.danger), App.el('div', { class: 'muted' }, 'Reference ' + e.reference)),
      cell('Status', App.el('span', { class: 'esc-status' }, App.label(e.status),
        e.outcome ? ' · ' + App.label(e.outcome) : '')),
      cell('', App.el('span', { class: 'actions' }, e.status === 'OPEN'
        ? App.el('button', { class: 'primary ack', type: 'button', onclick: (ev) => acknowledge(e.id, ev.currentTarget) },
          'Acknowledge') : '',
      App.el('button', { class: 'details', type: 'button', 'aria-expanded': String(Liaison.open === e.id),
        onclick: (ev) => details(e.id, ev.currentTarget) }, Liaison.open === e.id ? 'Hide details' : 'Details'))));
    const open = Liaison.open === e.id && Liaison.detail ? [detailRow(Liaison.detail)] : [];
    return [row, ...open];
  }));
}

// One escalation in full: what the report says without naming anyone, identifying details when the hotline may
// give them (reading them is recorded), and the outcome form.
function detailRow(d) {
  const s = d.situation || {};
  const facts = App.el('dl', { class: 'facts' },
    App.el('dt', {}, 'Place'), App.el('dd', {}, s.place || 'Not known yet'),
    App.el('dt', {}, 'Exploitation'), App.el('dd', {}, (s.exploitation || []).map((x) => App.label(x)).join(', ')
      || 'Not known yet'),
    App.el('dt', {}, 'Minors involved'), App.el('dd', {}, s.minorsInvolved === undefined || s.minorsInvolved === null
      ? 'Not known' : App.label(Boolean(s.minorsInvolved))),
    App.el('dt', {}, 'People affected'), App.el('dd', {}, s.peopleInvolved ? App.label(s.peopleInvolved) : 'Not known'));
  const who = d.identifying
    ? App.el('dl', { class: 'facts identifying' }, Object.entries(d.identifying).flatMap(([k, v]) =>
      [App.el('dt', {}, App.label(k.replace(/([A-Z])/g, '_$1').toUpperCase(), 'field')), App.el('dd', {}, v)]))
    : App.el('p', { class: 'muted' }, 'No identifying details may be given for this escalation.');
  const code = App.el('select', { id: 'outcome-code' }, App.el('option', { value: '' }, 'Choose what was done'),
    OUTCOMES.map((o) => App.el('option', { value: o, selected: d.outcome === o }, App.label(o))));
  const note = App.el('textarea', { id: 'outcome-note', maxlength: 2000 });
  note.value = d.outcomeNote || '';
  const form = d.status === 'CLOSED' ? App.el('p', { class: 'muted' }, 'Closed by the hotline.')
    : App.el('div', { class: 'outcome-form' },
      App.el('label', { for: 'outcome-code' }, 'What was done'), code,
      App.el('label', { for: 'outcome-note' }, 'Note (needed for "No action" or "Other": say why)'), note,
      App.el('p', {}, App.el('button', { class: 'outcome primary', type: 'button',
        onclick: (ev) => outcome(d.id, ev.currentTarget) }, 'Record outcome')));
  return App.el('tr', { class: 'detail' }, App.el('td', { colspan: 5 }, facts, who, callbackRoute(d), form));
}

async function details(id, button) {
  if (Liaison.open === id) { Liaison.open = null; render(); return; }
  await App.busy(button, async () => {
    const r = await App.api('GET', '/api/liaison/escalations/' + encodeURIComponent(id));
    if (!r.ok) { await App.tell('The escalation could not be opened', r.body.message); return; }
    Liaison.open = id;
    Liaison.detail = r.body;
    const cb = await App.api('GET', '/api/liaison/escalations/' + encodeURIComponent(id) + '/callback');
    Liaison.detail.callback = cb.ok ? cb.body : null;
    render();
  });
}

async function acknowledge(id, button) {
  await App.busy(button, async () => {
    const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/acknowledge');
    if (!r.ok) { await App.tell('Not acknowledged', r.body.message); return; }
    Liaison.rows.set(id, r.body);
    render();
    App.announce('Acknowledged.');
  });
}

// A server message may name a code ("when the outcome is NO_ACTION"): the liaison reads its words instead.
const words = (message) => String(message || '').replace(/\b[A-Z][A-Z]+(?:_[A-Z]+)+\b/g,
  (code) => '"' + App.label(code) + '"');

async function outcome(id, button) {
  const code = document.getElementById('outcome-code');
  const note = document.getElementById('outcome-note');
  App.fieldError(code, null);
  App.fieldError(note, null);
  // Said next to the field before anything is sent, in the words the liaison chose from.
  if (!code.value) { App.fieldError(code, 'Choose what was done.'); return; }
  if ((code.value === 'NO_ACTION' || code.value === 'OTHER') && !note.value.trim()) {
    App.fieldError(note, 'Say why in the note when the outcome is "' + App.label(code.value) + '".');
    return;
  }
  await App.busy(button, async () => {
    const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/outcome', {
      outcome: code.value, note: note.value || null,
    });
    if (!r.ok) { await App.tell('The outcome was not recorded', words(r.body.message)); return; }
    Liaison.rows.set(id, r.body);
    Liaison.open = null;
    render();
    App.announce('Outcome recorded.');
  });
}

init();

// Issue 18, item 7: a caller who raised the alert in the phone menu and hung up can be reached only through the
// hotline (their number never leaves it): where the call back stands, and a button to ask for it now.
function callbackRoute(d) {
  const cb = d.callback;
  if (!cb || !cb.exists) return null;
  let words;
  if (cb.closedAs) words = 'The hotline\'s call back is over: ' + App.label(cb.closedAs, 'callback').toLowerCase() + '.';
  else if (cb.doNotCall) words = 'The hotline may not call this caller back (' + App.label(cb.doNotCall, 'callback')
    .replace(/^Do not call: /, '') + ').';
  else if (cb.status === 'TAKEN') words = 'An operator is calling the caller back now.';
  else if (cb.status === 'LATER') words = 'The hotline will call the caller back from ' + App.time(cb.dueAt)
    + ' (safe hours).';
  else words = 'The caller hung up before anyone answered; the hotline is to call them back (attempts so far: '
    + cb.attempts + ' of ' + cb.maxAttempts + ').';
  const ask = cb.canRequest ? App.el('button', { type: 'button', class: 'primary', onclick: async (ev) => {
    await App.busy(ev.currentTarget, async () => {
      const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(d.id) + '/callback');
      if (!r.ok) { await App.tell('The request was not sent', r.body.message); return; }
      d.callback = r.body;
      render();
      App.announce('The hotline was asked to call the caller back.');
    });
  } }, 'Ask the hotline to call back now') : null;
  return App.el('div', { class: 'callback-route' }, App.el('h3', {}, 'Way back to the caller'), App.el('p', {}, words),
    cb.requested ? App.el('p', { class: 'muted' }, 'You asked the hotline to call back.') : null, ask);
}
