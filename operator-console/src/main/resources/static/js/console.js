// The operator's console: presence, screen pop, the simulated phone. The registering form it opens for a call is
// hotline-form.js (loaded first; it uses this file's $ and Console).
'use strict';

const $ = (id) => document.getElementById(id);
const Console = { formDef: [], report: null, call: null, timers: {}, pending: new Set(), ringing: null };

async function init() {
  if (!await App.start()) return;
  showPresence(App.me.presence);
  $('sim-language').replaceChildren(...App.me.hotlineLanguages.map((l) => App.el('option', { value: l }, l)));
  Console.formDef = (await App.api('GET', '/api/forms/hotline')).body;
  $('go-available').onclick = () => Console.link.send('/app/presence', { presence: 'AVAILABLE' });
  $('go-away').onclick = () => Console.link.send('/app/presence', { presence: 'AWAY' });
  $('sim-place').onclick = placeTestCall;
  $('answer').onclick = () => (Softphone.handles(Console.call && Console.call.provider) ? Softphone.answer()
    : phone('answer'));
  $('hangup').onclick = () => (Softphone.handles(Console.call && Console.call.provider) ? Softphone.hangUp()
    : phone('operator-hangup'));
  $('submit').onclick = submit;
  Console.link = App.live({
    onConnected: () => { $('link-status').textContent = 'live'; },
    onDisconnected: () => { $('link-status').textContent = 'reconnecting…'; },
  });
  Console.link.subscribe('/user/queue/pop', onPop);
  Console.link.subscribe('/user/queue/presence', (m) => showPresence(m.presence));
  Console.link.subscribe('/user/queue/call', onCallUpdate);
  Console.link.subscribe('/user/queue/errors', (m) => alert(m.error));
  Console.link.subscribe('/user/queue/escalations', showEscalation);
  $('esc-raise').onclick = escalate;
  const agencies = await App.api('GET', '/api/directory');
  if (agencies.ok) {
    $('esc-agency').replaceChildren(...agencies.body.map((a) => App.el('option', { value: a.id }, a.name)));
  }
  await loadDrafts(true);
  Softphone.start();
  setInterval(refreshSimCalls, 2000);
  refreshSimCalls();
  window.addEventListener('beforeunload', (e) => { if (Console.pending.size) { e.preventDefault(); } });
}

function showPresence(p) {
  // Not a choice of theirs: the PBX cannot reach their phone, so calls wait until it is back.
  $('presence').textContent = p === 'PHONE_NOT_CONNECTED'
    ? 'your phone is not connected: calls come again once it is' : App.label(p);
  $('presence').className = 'presence-' + p;
}

function onPop(pop) {
  Console.ringing = pop;
  $('incoming').hidden = false;
  $('incoming').classList.add('pop');
  const path = Object.entries(pop.ivrPath || {}).map(([q, a]) => App.label(q) + ': ' + App.label(a)).join(' · ');
  $('pop').replaceChildren(
    App.el('p', {}, pop.urgent ? App.el('span', { class: 'urgent', id: 'pop-urgent' }, 'URGENT') : '', ' ',
      App.el('strong', { id: 'pop-caller' }, pop.callerMask)),
    App.el('p', { id: 'pop-language' }, 'Language: ' + (pop.language || 'not chosen')),
    App.el('p', {}, 'Caller: ' + (App.label(pop.callerType) || 'not said')),
    App.el('p', {}, 'Waited: ' + App.duration(pop.waitedSeconds)),
    App.el('p', { id: 'pop-earlier' }, 'Earlier contacts from this number: ' + pop.earlierContacts),
    App.el('p', { class: 'muted' }, 'IVR: ' + path));
  $('answer').hidden = pop.provider !== 'sim';
  $('hangup').hidden = true;
  Softphone.buttons();
  openReport(pop.report);
}

function onCallUpdate(u) {
  if (!Console.call || u.call !== Console.call.id) return;
  Console.call.state = u.state;
  if (u.state === 'TALKING') {
    $('answer').hidden = true;
    $('hangup').hidden = Console.call.provider !== 'sim';
    $('incoming').classList.remove('pop');
  } else if (u.state === 'ENDED' || u.event === 'OfferUnanswered') {
    $('answer').hidden = true;
    $('hangup').hidden = true;
    $('incoming').classList.remove('pop');
    $('pop').prepend(App.el('p', { id: 'call-ended' }, u.state === 'ENDED'
      ? 'Call ended (' + App.label(u.outcome) + ')' : 'Call went to another operator'));
  }
  renderCallHeader();
  Softphone.buttons();
}

async function phone(action) {
  const r = await App.api('POST', '/api/sim/calls/' + encodeURIComponent(Console.call.providerCallId) + '/' + action);
  if (!r.ok) alert(r.body.message);
}

async function openReport(id) {
  $('esc-list').replaceChildren();
  $('esc-status').textContent = '';
  const r = await App.api('GET', '/api/reports/' + id);
  if (!r.ok) { $('call-header').textContent = r.body.message; return; }
  Console.report = r.body.report;
  Console.call = r.body.call;
  renderCallHeader();
  (r.body.escalations || []).forEach(showEscalation);
  renderForm();
  loadDrafts(false);
}

function renderCallHeader() {
  const c = Console.call;
  if (!c) return;
  $('escalate').hidden = !$('esc-agency').options.length;
  $('call-header').replaceChildren(
    c.urgent ? App.el('span', { class: 'urgent' }, 'URGENT') : '', ' ',
    'Call from ', App.el('strong', {}, c.callerMask), ' · language ', c.language || '?', ' · ',
    App.label(c.callerType) || 'caller type not said', ' · state ', App.el('span', { id: 'call-state' }, App.label(c.state)));
  if (c.provider === 'sim' && Console.report && Console.report.status === 'DRAFT') {
    $('incoming').hidden = false;
    $('answer').hidden = c.state !== 'RINGING';
    $('hangup').hidden = c.state !== 'TALKING';
  }
}

// Escalations of the call on screen (also those the caller's IVR answer or a rule raised), with their status as
// it changes: the acknowledgement and the outcome appear without a reload.
async function escalate() {
  if (!Console.call) return;
  const r = await App.api('POST', '/api/calls/' + encodeURIComponent(Console.call.id) + '/escalations', {
    agency: $('esc-agency').value, level: $('esc-level').value, mode: $('esc-mode').value,
    danger: $('esc-danger').value, reason: $('esc-reason').value,
  });
  $('esc-status').textContent = r.ok ? 'escalated' : r.body.message;
  $('esc-status').className = 'field-status' + (r.ok ? '' : ' error');
  if (!r.ok) return;
  showEscalation(r.body);
  if ($('esc-disclose').value) await disclose(r.body.id);
}

// The escalation is raised first (it matters most); a refused disclosure says why and can be asked again.
async function disclose(id) {
  const r = await App.api('POST', '/api/escalations/' + encodeURIComponent(id) + '/disclosure', {
    basis: $('esc-disclose').value, justification: $('esc-justification').value || null,
  });
  $('esc-status').textContent = r.ok ? 'escalated; identifying details allowed' : 'escalated; details not sent: '
    + r.body.message;
  $('esc-status').className = 'field-status' + (r.ok ? '' : ' error');
  if (r.ok) showEscalation(r.body);
}

function showEscalation(e) {
  if (!Console.call || e.call !== Console.call.id) return;
  const item = App.el('li', { id: 'esc-' + e.id }, App.label(e.level) + ' to ' + e.agency
    + (e.source !== 'OPERATOR' ? ' (' + App.label(e.source) + ')' : '') + ': ',
  App.el('strong', { class: 'esc-status' }, App.label(e.status)),
  e.outcome ? App.el('span', { class: 'esc-outcome' }, ' · ' + App.label(e.outcome)) : '',
  e.disclosure ? App.el('span', { class: 'muted' }, ' · details: ' + App.label(e.disclosure)) : '',
  !e.disclosure && e.status !== 'CLOSED'
    ? App.el('button', { class: 'esc-disclose', onclick: () => disclose(e.id) }, 'Allow details (as chosen above)')
    : '');
  const old = $('esc-' + e.id);
  if (old) old.replaceWith(item); else $('esc-list').append(item);
}

async function loadDrafts(openNewest) {
  const r = await App.api('GET', '/api/reports/drafts');
  if (!r.ok) return;
  const list = $('drafts');
  list.replaceChildren();
  if (!r.body.length) list.append(App.el('li', { class: 'muted' }, 'none'));
  for (const d of r.body) {
    list.append(App.el('li', {}, App.el('a', { href: '#', onclick: (e) => { e.preventDefault(); openReport(d.report); } },
      'Report of ' + App.time(d.createdAt))));
  }
  if (openNewest && r.body.length && !Console.report) openReport(r.body[0].report);
}

async function placeTestCall() {
  const r = await App.api('POST', '/api/sim/calls', {
    callerNumber: $('sim-number').value, language: $('sim-language').value,
    immediateDanger: $('sim-danger').value, callerType: $('sim-type').value,
  });
  $('sim-status').textContent = r.ok ? 'Call ' + r.body.providerCallId + ' placed.' : r.body.message;
  refreshSimCalls();
}

async function refreshSimCalls() {
  const r = await App.api('GET', '/api/sim/calls');
  if (!r.ok) return;
  $('sim-calls').replaceChildren(...r.body.map((c) => App.el('tr', {},
    App.el('td', {}, c.providerCallId), App.el('td', {}, App.label(c.status)),
    App.el('td', {}, App.el('button', { onclick: async () => { await App.api('POST', '/api/sim/calls/' + c.providerCallId + '/caller-hangup'); refreshSimCalls(); } }, 'Caller hangs up')))));
}

init();
