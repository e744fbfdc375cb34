// Recording a contact that did not come through the phone line (issue 18): how it came, when, who took it (a
// supervisor may enter it for an operator) and, for the backup phone, the number. The server makes it a report like
// a call's and answers with its draft, which the same registering form as the console's (hotline-form.js, which uses
// this file's $, Console and loadDrafts) fills and submits.
'use strict';

const $ = (id) => document.getElementById(id);
const Console = { formDef: [], report: null, call: null, timers: {}, pending: new Set(), contact: null };

async function init() {
  if (!await App.start()) return;
  // The operator's console stays open in its own tab (the link opens this page in a new one).
  $('back').href = App.me.role === 'SUPERVISOR' ? '/supervisor.html' : '/console.html';
  $('back').textContent = App.me.role === 'SUPERVISOR' ? 'Back to supervision' : 'Open the console';
  const [options, form] = await Promise.all([App.api('GET', '/api/offline-contacts/options'),
    App.api('GET', '/api/forms/hotline')]);
  if (!options.ok) { $('c-status').textContent = options.body.message; return; }
  Console.formDef = form.body;
  $('c-channel').replaceChildren(...options.body.channels.map((c) => App.el('option', { value: c },
    App.label(c))));
  $('c-zone').textContent = (App.me.jurisdiction && App.me.jurisdiction.name) || App.zone || 'local';
  $('c-when').value = nowInZone();
  $('c-when').max = nowInZone();
  if (options.body.onBehalf) {
    $('c-taker-box').hidden = false;
    $('c-taker').replaceChildren(App.el('option', { value: '' }, 'I took it myself'),
      ...options.body.takers.map((t) => App.el('option', { value: t.username }, t.name)));
  }
  $('c-channel').onchange = showNumber;
  showNumber();
  $('contact-form').addEventListener('submit', (e) => { e.preventDefault(); App.busy($('c-record'), record); });
  $('submit').onclick = submit;
  Console.submitKey = App.newRequestKey();
  await loadDrafts(false);
}

// The jurisdiction's wall-clock time as a datetime-local value: what the desk's clock says, not the browser's zone.
function nowInZone() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: App.zone, year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date());
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute;
}

function showNumber() {
  $('c-number-box').hidden = $('c-channel').value !== 'BACKUP_PHONE';
}

async function record() {
  for (const id of ['c-channel', 'c-when', 'c-taker', 'c-number']) App.fieldError($(id), '', false);
  if (!$('c-when').value) { App.fieldError($('c-when'), 'Give the date and time of the contact.'); return; }
  // One key per contact, kept across retries: a repeat after a lost answer opens the same report, not a second.
  const r = await App.api('POST', '/api/offline-contacts', {
    channel: $('c-channel').value, contactedAt: $('c-when').value,
    takenBy: $('c-taker-box').hidden ? null : ($('c-taker').value || null),
    callerNumber: $('c-number-box').hidden ? null : ($('c-number').value || null),
  }, { headers: { 'Idempotency-Key': Console.submitKey } });
  if (!r.ok) {
    const msg = r.body.message || 'not recorded';
    const field = /contactedAt/.test(msg) ? 'c-when' : /takenBy|behalf/.test(msg) ? 'c-taker'
      : /callerNumber/.test(msg) ? 'c-number' : 'c-channel';
    App.fieldError($(field), 'Not recorded: ' + words(msg) + '.');
    return;
  }
  Console.submitKey = App.newRequestKey();
  Console.contact = r.body;
  $('c-status').textContent = App.label(r.body.channel) + ' recorded: fill its registering form.';
  App.announce('Contact recorded; the registering form is open');
  $('c-number').value = '';
  await openReport(r.body.report);
  const first = document.querySelector('#report-form input, #report-form select, #report-form textarea');
  if (first) first.focus();
}

// The server's message in the page's words: field names as people say them.
function words(msg) {
  return msg.replace('contactedAt', 'the time').replace('takenBy', 'who took it').replace('callerNumber', 'the number');
}

async function openReport(id) {
  const r = await App.api('GET', '/api/reports/' + id);
  if (!r.ok) { $('call-header').textContent = r.body.message; return; }
  Console.report = r.body.report;
  Console.call = r.body.call;
  renderCallHeader();
  renderForm();
  loadDrafts(false);
}

function renderCallHeader() {
  const c = Console.contact;
  if (c && Console.report && c.report === Console.report.id) {
    $('call-header').replaceChildren('Report of a contact: ', App.el('strong', {}, App.label(c.channel)),
      ' on ', App.time(c.contactedAt), ' · taken by ', App.el('strong', {}, c.takenBy),
      ...(c.enteredBy !== c.takenBy ? [' · entered by ', App.el('strong', {}, c.enteredBy)] : []),
      c.callerMask !== 'withheld' ? ' · from ' + c.callerMask : '');
  } else if (Console.call) {
    $('call-header').replaceChildren('Report of the contact from ', App.el('strong', {}, Console.call.callerMask));
  }
}

async function loadDrafts() {
  const r = await App.api('GET', '/api/reports/drafts');
  if (!r.ok) return;
  $('drafts').replaceChildren(...(r.body.length ? r.body.map((d) => App.el('li', {}, App.el('a', { href: '#',
    onclick: (e) => { e.preventDefault(); openReport(d.report); } }, 'Report of ' + App.time(d.createdAt))))
    : [App.el('li', { class: 'muted' }, 'none')]));
}

init();
