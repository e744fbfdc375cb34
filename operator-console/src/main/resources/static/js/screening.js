// The screening form for public agents: filled in the browser, sent at once, then cleared. What stays on screen
// is a receipt with a reference, never what was reported. One key per submission (made when the form is opened or
// emptied, kept on a retry): a double click or a retry after a lost answer gives the same receipt, not a second case.
'use strict';

const $ = (id) => document.getElementById(id);
const Scr = { form: [], key: null };

async function init() {
  if (!await App.start()) return;
  Scr.form = (await App.api('GET', '/api/forms/screening')).body;
  render();
  $('screening-form').addEventListener('submit', (e) => {
    e.preventDefault();
    App.busy($('send'), send);
  });
  loadReceipts();
}

function render() {
  const form = $('screening');
  form.replaceChildren();
  Scr.key = App.newRequestKey();
  let fieldset = null;
  let section = null;
  for (const f of Scr.form) {
    if (f.section !== section) {
      section = f.section;
      fieldset = App.el('fieldset', {}, App.el('legend', {}, section));
      form.append(fieldset);
    }
    // Several answers are boxes to tick in a group of their own, not a list that needs Ctrl-click.
    fieldset.append(f.kind === 'CODES'
      ? App.el('fieldset', { class: 'codes', id: 's-' + f.name }, App.el('legend', {}, f.label),
        f.codes.map((c) => App.el('label', {}, App.el('input', { type: 'checkbox', name: f.name, value: c }),
          App.label(c, f.name))),
        // App.fieldError finds this by the boxes' name and writes the group's error under the boxes.
        App.el('div', { id: f.name + '-error', class: 'field-status error' }))
      : App.el('div', { class: 'field' }, App.el('label', { for: 's-' + f.name }, f.label), input(f)));
  }
}

function input(f) {
  const id = 's-' + f.name;
  if (f.kind === 'CODE') {
    return App.el('select', { id }, App.el('option', { value: '' }, '— choose —'),
      f.codes.map((c) => App.el('option', { value: c }, App.label(c, f.name))));
  }
  if (f.kind === 'COUNTRY') {
    // Chosen by name ("Jamaica"), stored as the ISO code the server checks (JM).
    return App.el('select', { id }, App.countryOptions('', '— not known —'));
  }
  if (f.kind === 'INTEGER') {
    return App.el('input', { id, type: 'number', inputmode: 'numeric', min: f.min, max: f.maxLength, step: 1 });
  }
  if (f.kind === 'DATE') return App.el('input', { id, type: 'date' });
  const long = f.kind === 'TEXT' && f.maxLength > 300;
  return App.el(long ? 'textarea' : 'input', { id, type: long ? undefined : 'text',
    maxlength: f.kind === 'TEXT' ? f.maxLength : undefined });
}

function values() {
  const v = {};
  for (const f of Scr.form) {
    const input = $('s-' + f.name);
    if (f.kind === 'CODES') {
      const chosen = [...input.querySelectorAll('input:checked')].map((o) => o.value);
      if (chosen.length) v[f.name] = chosen;
    } else if (input.value !== '') {
      // A whole number goes as a number, negative too, so the server answers with the allowed range.
      v[f.name] = f.kind === 'INTEGER' && /^-?\d+$/.test(input.value.trim()) ? Number(input.value) : input.value;
    }
  }
  return v;
}

// Where a field's error goes and the focus lands: the field, or the first box of a group.
function control(f) {
  return f.kind === 'CODES' ? $('s-' + f.name).querySelector('input') : $('s-' + f.name);
}

function say(text, kind) {
  $('send-status').textContent = text;
  $('send-status').className = 'field-status ' + kind;
}

async function send() {
  for (const f of Scr.form) App.fieldError(control(f), '', false);
  say('Sending…', '');
  const r = await App.api('POST', '/api/screenings', values(), { headers: { 'Idempotency-Key': Scr.key } });
  if (!r.ok) {
    // What was typed stays in its field; each refusal is shown next to its field, the first one gets the focus.
    const fields = (r.body && r.body.fields) || {};
    let first = true;
    for (const f of Scr.form) {
      if (fields[f.name]) {
        App.fieldError(control(f), upperFirst(fields[f.name]) + '.', first);
        first = false;
      }
    }
    say(!first ? 'Not sent: please correct the marked fields.'
      : r.status === 409 && r.body && r.body.error === 'still_running'
        ? 'Still being received. Wait a moment, then press Send again: it will not be sent twice.'
        : 'Not sent: ' + ((r.body && r.body.message) || 'the server cannot be reached') + '. Try again.', 'error');
    App.announce($('send-status').textContent, true);
    return;
  }
  // Sent: nothing of it stays on this screen, and the next form is a new submission with a new key.
  render();
  say('Sent.', 'saved');
  $('receipt').hidden = false;
  $('receipt').replaceChildren('Received by the task force on ' + App.time(r.body.submittedAt) + '. Reference ',
    App.el('strong', { id: 'receipt-ref' }, r.body.reference), '.');
  // The receipt is beside the form's top, out of sight after sending from its bottom: it comes into view.
  $('receipt').focus();
  App.announce('Received by the task force. Reference ' + r.body.reference);
  loadReceipts();
}

function upperFirst(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function loadReceipts() {
  const r = await App.api('GET', '/api/screenings/receipts');
  if (!r.ok) return;
  $('receipts').replaceChildren(...r.body.map((x) => App.el('li', {},
    App.el('strong', {}, x.reference), ', received ' + App.time(x.submittedAt))));
}

init();
