// The hotline registering form: rendered from the server's form definition, every field saved on the server as it is
// typed (debounced) and marked "saved" only once the server says so. Kept apart from console.js (calls, pop,
// presence) so that the form and the ringing can change independently. Shares console.js's globals ($, Console).
'use strict';

function renderForm() {
  const form = $('report-form');
  const values = Console.report.values || {};
  const readOnly = Console.report.status !== 'DRAFT';
  form.replaceChildren();
  let fieldset = null;
  let section = null;
  for (const f of Console.formDef) {
    if (f.section !== section) {
      section = f.section;
      fieldset = App.el('fieldset', {}, App.el('legend', {}, section));
      form.append(fieldset);
    }
    fieldset.append(fieldInput(f, values[f.name], readOnly));
  }
  form.hidden = false;
  $('form-state').textContent = readOnly ? '(submitted, read-only)' : '(draft, saved as you type)';
  $('submit').hidden = readOnly;
  $('submit-status').textContent = '';
}

function fieldInput(f, value, readOnly) {
  const id = 'f-' + f.name;
  const status = App.el('div', { class: 'field-status', id: 'status-' + f.name });
  const wrap = App.el('div', { class: 'field', 'data-field': f.name });
  let input;
  if (f.kind === 'CODES') {
    input = App.el('div', { class: 'codes', id });
    for (const code of f.codes) {
      const box = App.el('input', { type: 'checkbox', value: code, name: f.name, disabled: readOnly,
        checked: Array.isArray(value) && value.includes(code) });
      box.addEventListener('change', () => schedule(f, () => [...input.querySelectorAll('input:checked')].map((b) => b.value), 0));
      input.append(App.el('label', {}, box, ' ', App.label(code)));
    }
    wrap.append(App.el('label', {}, f.label), input, status);
    return wrap;
  }
  if (f.kind === 'CODE') {
    input = App.el('select', { id, name: f.name, disabled: readOnly }, App.el('option', { value: '' }, '—'),
      f.codes.map((c) => App.el('option', { value: c, selected: value === c }, App.label(c))));
    input.addEventListener('change', () => schedule(f, () => input.value || null, 0));
  } else if (f.kind === 'BOOLEAN') {
    input = App.el('select', { id, name: f.name, disabled: readOnly }, App.el('option', { value: '' }, '—'),
      App.el('option', { value: 'true', selected: value === true }, 'yes'),
      App.el('option', { value: 'false', selected: value === false }, 'no'));
    input.addEventListener('change', () => schedule(f, () => (input.value === '' ? null : input.value === 'true'), 0));
  } else {
    const long = f.kind === 'TEXT' && f.maxLength > 300;
    input = App.el(long ? 'textarea' : 'input', { id, name: f.name, disabled: readOnly,
      type: long ? undefined : f.kind === 'DATE' ? 'date' : f.kind === 'INTEGER' ? 'number' : 'text',
      maxlength: f.kind === 'TEXT' && f.maxLength ? f.maxLength : undefined,
      min: f.kind === 'INTEGER' ? f.min : undefined, max: f.kind === 'INTEGER' ? f.maxLength : undefined });
    input.value = value === undefined || value === null ? '' : value;
    const read = () => (input.value === '' ? null : f.kind === 'INTEGER' && /^\d+$/.test(input.value) ? Number(input.value) : input.value);
    input.addEventListener('input', () => schedule(f, read, 600));
    input.addEventListener('blur', () => { if (Console.timers[f.name]) { clearTimeout(Console.timers[f.name]); save(f, read()); } });
  }
  wrap.append(App.el('label', { for: id }, f.label), input, status);
  return wrap;
}

function schedule(f, read, delay) {
  clearTimeout(Console.timers[f.name]);
  Console.pending.add(f.name);
  setStatus(f.name, 'saving…', '');
  Console.timers[f.name] = setTimeout(() => save(f, read()), delay);
}

async function save(f, value) {
  delete Console.timers[f.name];
  const r = await App.api('PUT', '/api/reports/' + Console.report.id + '/fields/' + f.name, { value });
  if (r.ok) {
    Console.report.version = r.body.version;
    Console.pending.delete(f.name);
    setStatus(f.name, 'saved', 'saved');
  } else if (r.status === 0) {
    setStatus(f.name, 'not saved: server unreachable, retrying…', 'error');
    Console.timers[f.name] = setTimeout(() => save(f, value), 3000);
  } else {
    Console.pending.delete(f.name);
    const msg = (r.body.fields && r.body.fields[f.name]) || r.body.message;
    setStatus(f.name, msg, 'error');
  }
}

function setStatus(name, text, cls) {
  const s = $('status-' + name);
  if (s) { s.textContent = text; s.className = 'field-status ' + cls; }
}

async function submit() {
  if (Console.pending.size) { $('submit-status').textContent = 'Wait until every field is saved.'; return; }
  const r = await App.api('POST', '/api/reports/' + Console.report.id + '/submit');
  if (r.ok) {
    Console.report = r.body;
    renderForm();
    $('submit-status').textContent = 'Report submitted.';
    $('submit-status').id = 'submit-status';
    loadDrafts(false);
  } else {
    $('submit-status').textContent = r.body.message;
    for (const [name, msg] of Object.entries(r.body.fields || {})) setStatus(name, msg, 'error');
  }
}
