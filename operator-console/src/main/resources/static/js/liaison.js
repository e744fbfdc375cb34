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

function render() {
  const rows = [...Liaison.rows.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1));
  const body = document.getElementById('escalations');
  if (!rows.length) {
    body.replaceChildren(App.el('tr', {}, App.el('td', { colspan: 5, class: 'muted' }, 'none')));
    return;
  }
  body.replaceChildren(...rows.map((e) => App.el('tr', { id: 'esc-' + e.id, class: 'status-' + e.status },
    App.el('td', {}, App.time(e.raisedAt)),
    App.el('td', {}, App.label(e.level)),
    App.el('td', {}, e.reason),
    App.el('td', { class: 'esc-status' }, App.label(e.status)),
    App.el('td', {}, e.status === 'OPEN'
      ? App.el('button', { class: 'primary ack', onclick: () => acknowledge(e.id) }, 'Acknowledge')
      : e.status === 'ACKNOWLEDGED' && !e.outcome
        ? App.el('button', { class: 'outcome', onclick: () => outcome(e.id) }, 'Record what was done')
        : (e.outcome || '')))));
}

async function acknowledge(id) {
  const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/acknowledge');
  if (!r.ok) { alert(r.body.message); return; }
  Liaison.rows.set(id, r.body);
  render();
}

async function outcome(id) {
  const text = prompt('What was done (e.g. officers dispatched, person removed, no action and why)?');
  if (!text) return;
  const r = await App.api('POST', '/api/liaison/escalations/' + encodeURIComponent(id) + '/outcome', { outcome: text });
  if (!r.ok) { alert(r.body.message); return; }
  Liaison.rows.set(id, r.body);
  render();
}

init();
