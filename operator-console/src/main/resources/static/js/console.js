// The operator's console: presence, screen pop, the simulated phone, escalations. The registering form it opens for
// a call is hotline-form.js (loaded first; it uses this file's $ and Console); the call bar, the ring and the
// shortcuts are call-bar.js's.
'use strict';

const $ = (id) => document.getElementById(id);
// timers: the form's saves waiting for the typing to pause, by field name, nothing else (Submit saves each first).
const Console = { formDef: [], report: null, call: null, timers: {}, pending: new Set(), ringing: null,
  wrapUpTimer: null };

async function init() {
  if (!await App.start()) return;
  CallBar.init();
  for (const o of $('away-reason').options) o.textContent = App.label(o.value, 'away');
  showPresence(App.me.presenceDetail || { presence: App.me.presence });
  $('sim-language').replaceChildren(...App.me.hotlineLanguages.map((l) => App.el('option', { value: l },
    App.language(l))));
  Console.formDef = (await App.api('GET', '/api/forms/hotline')).body;
  $('go-available').onclick = () => Console.link.send('/app/presence', { presence: 'AVAILABLE' });
  $('go-away').onclick = () => Console.link.send('/app/presence', { presence: 'AWAY', reason: $('away-reason').value });
  $('sim-place').onclick = placeTestCall;
  $('answer').onclick = () => (Softphone.handles(Console.call && Console.call.provider) ? Softphone.answer()
    : phone('answer'));
  $('hangup').onclick = () => (Softphone.handles(Console.call && Console.call.provider) ? Softphone.hangUp()
    : phone('operator-hangup'));
  $('submit').onclick = submit;
  Console.link = App.live({
    onConnected: () => {
      $('link-status').textContent = 'live';
      // Back after the link dropped: what the presence became meanwhile (away, if the console stayed gone too long)
      // was pushed while nobody listened, and a stale "Available" would let an operator wait for calls that never come.
      // A call offered while the link was down popped for nobody: the same look-up as a page opened afresh.
      if (Console.linkedBefore) {
        refreshPresence();
        if (!Console.call && !Console.ringing) resumeCall();
      }
      Console.linkedBefore = true;
    },
    onDisconnected: () => { $('link-status').textContent = 'reconnecting…'; },
  });
  Console.link.subscribe('/user/queue/pop', onPop);
  Console.link.subscribe('/user/queue/presence', showPresence);
  Console.link.subscribe('/user/queue/call', onCallUpdate);
  Console.link.subscribe('/user/queue/errors', (m) => App.tell('Not done', m.error));
  Console.link.subscribe('/user/queue/escalations', showEscalation);
  $('esc-raise').onclick = () => App.busy($('esc-raise'), escalate);
  const agencies = await App.api('GET', '/api/directory');
  if (agencies.ok) {
    // Interpreter lines are brought in from "Ask a colleague" (consult.js), never escalated to.
    $('esc-agency').replaceChildren(...agencies.body.filter((a) => a.roles.some((r) => r !== 'INTERPRETING'))
      .map((a) => App.el('option', { value: a.id }, a.name)));
  }
  await resumeCall();
  await loadDrafts(true);
  Softphone.start();
  setInterval(refreshSimCalls, 2000);
  refreshSimCalls();
  window.addEventListener('beforeunload', (e) => { if (Console.pending.size) { e.preventDefault(); } });
}

async function refreshPresence() {
  const me = await App.api('GET', '/api/me');
  if (me.ok) showPresence(me.body.presenceDetail || { presence: me.body.presence });
}

// The presence in words, with why (issue 20): who set them away and for what, and the after-call work's time left.
function showPresence(m) {
  const p = m.presence;
  clearInterval(Console.wrapUpTimer);
  $('presence').className = 'presence-' + p;
  if (p === 'PHONE_NOT_CONNECTED') {
    // Not a choice of theirs: the PBX cannot reach their phone, so calls wait until it is back.
    $('presence').textContent = 'Your phone is not connected: calls come again once it is';
  } else if (p === 'AWAY' && m.setBy === 'SUPERVISOR') {
    $('presence').textContent = 'Your supervisor' + (m.byName ? ' (' + m.byName + ')' : '') + ' set you away: '
      + App.label(m.reason || 'OTHER', 'away');
  } else if (p === 'AWAY' && m.cause === 'CONSOLE_CLOSED') {
    // Set by the system, not chosen: say so, or the operator may think they are taking calls.
    $('presence').textContent = 'Away since your console lost its connection: choose Available to take calls again';
  } else if (p === 'AWAY' && m.reason) {
    $('presence').textContent = App.label(m.reason, 'away');
  } else if (p === 'WRAP_UP' && m.wrapUpMaxSeconds) {
    // Counted from when it started on the server, so a reloaded console shows the same time left.
    const ends = (m.since ? Date.parse(m.since) : Date.now()) + m.wrapUpMaxSeconds * 1000;
    const tick = () => {
      const left = Math.round((ends - Date.now()) / 1000);
      $('presence').textContent = App.label(p, 'presence') + (left > 0 ? ' · ' + App.duration(left) + ' left'
        : m.wrapUpOverdue === 'ALERT' ? ' · past the maximum: your supervisor has been told' : '');
    };
    tick();
    Console.wrapUpTimer = setInterval(tick, 1000);
  } else {
    $('presence').textContent = App.label(p, 'presence');
  }
  if (p === 'AWAY' && m.reason) $('away-reason').value = m.reason;
}

function onPop(pop) {
  showCall(pop, 'RINGING', 0);
  openReport(pop.report);
}

// A reloaded console gets its call back from the server: the bar, the timers, the IVR answers, earlier calls.
async function resumeCall() {
  const r = await App.api('GET', '/api/console/call');
  const current = r.ok && r.body.current;
  if (!current) return;
  showCall(current, current.state, current.sinceSeconds);
  await openReport(current.report);
}

function showCall(call, state, sinceSeconds) {
  Console.ringing = call;
  const answers = Object.entries(call.ivrPath || {}).map(([q, a]) => App.label(q) + ': '
    + (q === 'LANGUAGE' ? App.language(a) : App.label(a))).join(' · ');
  $('pop').replaceChildren(App.el('dl', { class: 'facts' },
    App.el('dt', {}, 'Caller'), App.el('dd', { id: 'pop-caller' }, call.callerMask),
    App.el('dt', {}, 'Who is calling'), App.el('dd', {}, App.label(call.callerType) || 'Not said'),
    App.el('dt', {}, 'Earlier calls'), App.el('dd', { id: 'pop-earlier' }, call.earlierContacts === 0
      ? 'None from this number' : call.earlierContacts + ' from this number'),
    App.el('dt', {}, 'Phone menu'), App.el('dd', { id: 'pop-ivr' }, answers || 'No answers'),
    // The caller's own word on being called back, and on being overheard: what the operator must not miss.
    App.el('dt', {}, 'Safe to call back'), App.el('dd', { id: 'pop-safe' }, call.safeToCallBack === true ? 'Yes'
      : call.safeToCallBack === false ? 'No: do not call back' : 'Not asked'),
    call.quietMode ? [App.el('dt', {}, 'Speaking'), App.el('dd', { id: 'pop-quiet' },
      App.el('span', { class: 'urgent' }, 'Cannot speak freely'), ' (someone may be listening)')] : null));
  CallerHistory.show(call.call); // repeat callers: caller-history.js
  CallBar.show(call, state, sinceSeconds);
}

function onCallUpdate(u) {
  const current = (Console.call && Console.call.id) || (Console.ringing && Console.ringing.call);
  if (u.call !== current) return;
  if (Console.call) Console.call.state = u.state;
  if (u.event === 'OfferedElsewhere') {
    CallBar.offeredElsewhere();
    return;
  }
  if (u.state === 'TALKING') {
    CallBar.setState('TALKING');
  } else if (u.event === 'OfferUnanswered' || (u.state === 'ENDED' && CallBar.state === 'RINGING')) {
    CallBar.missed(u);
    leaveUnansweredCall();
    return;
  } else if (u.state === 'ENDED') {
    CallBar.setState('ENDED');
    // A report submitted while the caller was still on the line needs nothing more.
    CallBar.notice(Console.report && Console.report.status !== 'DRAFT'
      ? 'The call has ended and its report is submitted.' : 'The call has ended. Finish the report and submit it.');
  }
  renderCallHeader();
}

// The server dropped the untouched draft of a call this operator never answered: nothing of it stays on screen.
function leaveUnansweredCall() {
  Console.call = null;
  Console.report = null;
  Console.ringing = null;
  $('pop').replaceChildren(App.el('p', { class: 'muted' }, 'No call now.'));
  $('escalate').hidden = true;
  $('report-form').hidden = true;
  $('submit').hidden = true;
  if ($('form-help')) $('form-help').hidden = true;
  $('form-state').textContent = '';
  $('call-header').textContent = 'No call now. The form opens when a call rings at you.';
  loadDrafts(false);
}

async function phone(action) {
  const r = await App.api('POST', '/api/sim/calls/' + encodeURIComponent(Console.call.providerCallId) + '/' + action);
  if (!r.ok) App.tell('Not done', r.body.message);
}

async function openReport(id) {
  $('esc-list').replaceChildren();
  $('esc-status').textContent = '';
  const r = await App.api('GET', '/api/reports/' + id);
  if (!r.ok) {
    // A 404 names the report's id: the operator is told what it means instead.
    $('call-header').textContent = r.status === 404 ? 'This report is not yours to see: another operator has it.'
      : r.body.message;
    return;
  }
  Console.report = r.body.report;
  Console.call = r.body.call;
  renderCallHeader();
  (r.body.escalations || []).forEach(showEscalation);
  renderForm();
  QuietMode.follow(Console.call);
  loadDrafts(false);
}

function renderCallHeader() {
  const c = Console.call;
  if (!c) return;
  $('escalate').hidden = !$('esc-agency').options.length;
  $('call-header').replaceChildren('Report of the call from ', App.el('strong', {}, c.callerMask), ' · ',
    App.el('span', { id: 'call-state' }, App.label(c.state)));
}

// Escalations of the call on screen (also those the caller's IVR answer or a rule raised), with their status as
// it changes: the acknowledgement and the outcome appear without a reload.
async function escalate() {
  if (!Console.call) return;
  // One key per escalation, kept across retries: a repeat after a lost answer is the same escalation, not two.
  Console.escalationKey = Console.escalationKey || App.newRequestKey();
  const r = await App.api('POST', '/api/calls/' + encodeURIComponent(Console.call.id) + '/escalations', {
    agency: $('esc-agency').value, level: $('esc-level').value, mode: $('esc-mode').value,
    danger: $('esc-danger').value, reason: $('esc-reason').value,
  }, { headers: { 'Idempotency-Key': Console.escalationKey } });
  if (r.ok) Console.escalationKey = null;
  $('esc-status').textContent = r.ok ? 'Escalated' : r.body.message;
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
  $('esc-status').textContent = r.ok ? 'Escalated; identifying details allowed' : 'Escalated; details not sent: '
    + r.body.message;
  $('esc-status').className = 'field-status' + (r.ok ? '' : ' error');
  if (r.ok) showEscalation(r.body);
}

function showEscalation(e) {
  if (!Console.call || e.call !== Console.call.id) return;
  const agency = [...$('esc-agency').options].find((o) => o.value === e.agency);
  const item = App.el('li', { id: 'esc-' + e.id }, App.label(e.level) + ' to ' + (agency ? agency.text : e.agency)
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
    safeToCallBack: $('sim-safe').value || undefined, cannotSpeakFreely: $('sim-quiet').checked,
  });
  $('sim-status').textContent = r.ok ? 'Call ' + r.body.providerCallId + ' placed.' : r.body.message;
  refreshSimCalls();
}

async function refreshSimCalls() {
  const r = await App.api('GET', '/api/sim/calls');
  if (!r.ok) return;
  $('sim-calls').replaceChildren(...r.body.map((c) => App.el('tr', {},
    App.el('td', {}, c.providerCallId), App.el('td', { class: 'sim-parties' }, simParties(c)),
    App.el('td', {}, App.el('button', { onclick: async () => { await App.api('POST', '/api/sim/calls/' + c.providerCallId + '/caller-hangup'); refreshSimCalls(); } }, 'Caller hangs up')))));
}

// Who is on a simulated call, as a PBX's channel list would show it: the caller held during a consult, the colleague
// asked, an interpreter line (issue 20 F).
function simParties(c) {
  return [App.label(c.status), c.callerHeld ? 'caller on hold' : '', c.consulting ? 'colleague on the line' : '',
    c.interpreter ? 'interpreter on the line' : ''].filter((p) => p).join(' · ');
}

init();
