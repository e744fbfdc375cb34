// The screening form for public agents: filled in the browser, sent at once, then cleared. What stays on screen
// is a receipt with a reference, never what was reported.
'use strict';

const $ = (id) => document.getElementById(id);
const Scr = { form: [] };

async function init() {
  if (!await App.start()) return;
  Scr.form = (await App.api('GET', '/api/forms/screening')).body;
  render();
  $('send').onclick = send;
  loadReceipts();
}

function render() {
  const form = $('screening');
  form.replaceChildren();
  let fieldset = null;
  let section = null;
  for (const f of Scr.form) {
    if (f.section !== section) {
      section = f.section;
      fieldset = App.el('fieldset', {}, App.el('legend', {}, section));
      form.append(fieldset);
    }
    const id = 's-' + f.name;
    let input;
    if (f.kind === 'CODE') {
      input = App.el('select', { id }, App.el('option', { value: '' }, '—'),
        f.codes.map((c) => App.el('option', { value: c }, App.label(c))));
    } else if (f.kind === 'CODES') {
      input = App.el('select', { id, multiple: true, size: Math.min(6, f.codes.length) },
        f.codes.map((c) => App.el('option', { value: c }, App.label(c))));
    } else {
      const long = f.kind === 'TEXT' && f.maxLength > 300;
      input = App.el(long ? 'textarea' : 'input', { id, type: long ? undefined : f.kind === 'DATE' ? 'date'
        : f.kind === 'INTEGER' ? 'number' : 'text', maxlength: f.kind === 'TEXT' ? f.maxLength : undefined });
    }
    fieldset.append(App.el('div', { class: 'field' }, App.el('label', { for: id }, f.label), input,
      App.el('span', { id: 'sstatus-' + f.name, class: 'field-status error' })));
  }
}

function values() {
  const v = {};
  for (const f of Scr.form) {
    const input = $('s-' + f.name);
    if (f.kind === 'CODES') {
      const chosen = [...input.selectedOptions].map((o) => o.value);
      if (chosen.length) v[f.name] = chosen;
    } else if (input.value !== '') {
      v[f.name] = f.kind === 'INTEGER' && /^\d+$/.test(input.value) ? Number(input.value) : input.value;
    }
  }
  return v;
}

async function send() {
  for (const f of Scr.form) $('sstatus-' + f.name).textContent = '';
  const r = await App.api('POST', '/api/screenings', values());
  if (!r.ok) {
    $('send-status').textContent = r.body.message || 'not sent';
    $('send-status').className = 'field-status error';
    for (const [name, problem] of Object.entries(r.body.fields || {})) {
      const status = $('sstatus-' + name);
      if (status) status.textContent = problem;
    }
    return;
  }
  // Sent: nothing of it stays on this screen.
  render();
  $('send-status').textContent = 'sent';
  $('send-status').className = 'field-status saved';
  $('receipt').hidden = false;
  $('receipt').replaceChildren('Received by the task force: reference ', App.el('strong', { id: 'receipt-ref' },
    r.body.reference), ' at ', App.time(r.body.submittedAt), '.');
  loadReceipts();
}

async function loadReceipts() {
  const r = await App.api('GET', '/api/screenings/receipts');
  if (!r.ok) return;
  $('receipts').replaceChildren(...r.body.map((x) => App.el('li', {}, x.reference + ' · ' + App.time(x.submittedAt))));
}

init();
