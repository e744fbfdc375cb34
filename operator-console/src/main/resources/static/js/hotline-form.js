// The hotline registering form: rendered from the server's form definition, every field saved on the server as it is
// typed (debounced) and marked "Saved" only once the server says so. Kept apart from console.js (calls, pop,
// presence) so that the form and the ringing can change independently. Shares console.js's globals ($, Console).
//
// No word is lost (issue 17): a value the server refuses (markup in a note, an age of 430) stays in its field with
// its message, and the server keeps it with the draft, encrypted like the personal fields, so a reload shows it back.
// Not the browser's localStorage: what a caller tells about people must not sit in clear text on a shared desk's
// disk, outlive the session, or be readable by the next person at that browser; the server already protects,
// audits and survives a crashed browser. Each field carries its own version: a save from a stale copy (a second
// tab) is answered 409 with the stored value, and the operator chooses which of the two to keep.
'use strict';

// saving: the saves on their way to the server, by field name (both pages that use the form wait for them).
const HotlineForm = { versions: {}, fields: {}, reads: {}, submitKey: null, listening: false, saving: new Map() };

function renderForm() {
  const form = $('report-form');
  const values = Console.report.values || {};
  const refused = Console.report.refused || {};
  const readOnly = Console.report.status !== 'DRAFT';
  HotlineForm.versions = Object.assign({}, Console.report.fieldVersions || {});
  HotlineForm.fields = {};
  HotlineForm.submitKey = HotlineForm.submitKey && HotlineForm.submitKey.report === Console.report.id
    ? HotlineForm.submitKey : { report: Console.report.id, key: App.newRequestKey() };
  form.replaceChildren();
  const nav = $('form-nav');
  nav.replaceChildren();
  let part = null;
  let section = null;
  for (const f of Console.formDef) {
    if (f.section !== section) {
      section = f.section;
      const id = 'part-' + section.replace(/\W+/g, '-');
      part = App.el('div', { class: 'form-part', id, role: 'group', 'aria-labelledby': id + '-title' },
        App.el('h3', { id: id + '-title' }, section));
      form.append(part);
      nav.append(App.el('a', { href: '#' + id, 'data-part': id, onclick: (e) => { e.preventDefault(); goToPart(id); } },
        section));
    }
    HotlineForm.fields[f.name] = f;
    part.append(fieldInput(f, values[f.name], readOnly));
    if (!readOnly && refused[f.name]) showRefused(f, refused[f.name].value, refused[f.name].reason);
  }
  form.hidden = false;
  nav.hidden = false;
  listenForOtherTabs();
  $('form-help').hidden = readOnly;
  $('form-state').textContent = readOnly ? '(submitted, read-only)' : '(draft, saved as you type)';
  $('submit').hidden = readOnly;
  $('submit-status').textContent = '';
}

function requiredMark(f) {
  return f.required ? [' ', App.el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*'),
    App.el('span', { class: 'sr-only' }, ' (required)')] : [];
}

function fieldInput(f, value, readOnly) {
  const id = 'f-' + f.name;
  const statusId = 'status-' + f.name;
  const status = App.el('div', { class: 'field-status', id: statusId });
  const wrap = App.el('div', { class: 'field', 'data-field': f.name });
  const common = { id, name: f.name, disabled: readOnly, 'aria-describedby': statusId,
    'aria-required': f.required ? 'true' : undefined };
  let input;
  if (f.kind === 'CODES') {
    // A group of boxes is a fieldset named by its legend, so a screen reader says what each box belongs to.
    input = App.el('fieldset', { class: 'codes', id, 'aria-describedby': statusId },
      App.el('legend', {}, f.label, ...requiredMark(f)));
    for (const code of f.codes) {
      const box = App.el('input', { type: 'checkbox', value: code, name: f.name, disabled: readOnly,
        checked: Array.isArray(value) && value.includes(code) });
      box.addEventListener('change', () => schedule(f, 0));
      input.append(App.el('label', {}, box, ' ', App.label(code, f.name)));
    }
    HotlineForm.reads[f.name] = () => [...input.querySelectorAll('input:checked')].map((b) => b.value);
    wrap.append(input, status);
    return wrap;
  }
  if (f.kind === 'CODE' || f.kind === 'BOOLEAN' || f.kind === 'COUNTRY') {
    const none = App.el('option', { value: '' }, 'Not known or not said');
    const options = f.kind === 'COUNTRY' ? App.countryOptions(value, 'Not known or not said')
      : f.kind === 'BOOLEAN' ? [none, App.el('option', { value: 'true', selected: value === true }, 'Yes'),
        App.el('option', { value: 'false', selected: value === false }, 'No')]
        // Places are names already ("St. Andrew"); other codes get their words.
        : [none].concat(f.codes.map((c) => App.el('option', { value: c, selected: value === c },
          f.name === 'place' ? c : App.label(c, f.name))));
    input = App.el('select', common, options);
    HotlineForm.reads[f.name] = f.kind === 'BOOLEAN' ? () => (input.value === '' ? null : input.value === 'true')
      : () => input.value || null;
    input.addEventListener('change', () => schedule(f, 0));
  } else {
    const long = f.kind === 'TEXT' && f.maxLength > 300;
    input = App.el(long ? 'textarea' : 'input', Object.assign({}, common, {
      type: long ? undefined : f.kind === 'DATE' ? 'date' : f.kind === 'INTEGER' ? 'number' : f.kind === 'PHONE' ? 'tel' : 'text',
      maxlength: (f.kind === 'TEXT' || f.kind === 'PHONE') && f.maxLength ? f.maxLength : undefined,
      min: f.kind === 'INTEGER' ? f.min : undefined, max: f.kind === 'INTEGER' ? f.maxLength : undefined }));
    input.value = value === undefined || value === null ? '' : value;
    HotlineForm.reads[f.name] = () => (input.value === '' ? null
      : f.kind === 'INTEGER' && /^\d+$/.test(input.value) ? Number(input.value) : input.value);
    input.addEventListener('input', () => schedule(f, 600));
    input.addEventListener('blur', () => { if (Console.timers[f.name]) saveNow(f); });
  }
  wrap.append(App.el('label', { for: id }, f.label, ...requiredMark(f)), input, status);
  return wrap;
}

// Puts a value back into a field's control (the other tab's, when the operator keeps it).
function setFieldValue(f, value) {
  const input = $('f-' + f.name);
  if (f.kind === 'CODES') {
    input.querySelectorAll('input[type=checkbox]').forEach((b) => { b.checked = Array.isArray(value) && value.includes(b.value); });
  } else if (f.kind === 'BOOLEAN') {
    input.value = value === true ? 'true' : value === false ? 'false' : '';
  } else {
    input.value = value === undefined || value === null ? '' : value;
  }
}

function schedule(f, delay) {
  clearTimeout(Console.timers[f.name]);
  Console.pending.add(f.name);
  setStatus(f.name, 'Saving…', '');
  Console.timers[f.name] = setTimeout(() => saveNow(f), delay);
}

function saveNow(f) {
  clearTimeout(Console.timers[f.name]);
  const saving = save(f, HotlineForm.reads[f.name]());
  HotlineForm.saving.set(f.name, saving);
  saving.finally(() => { if (HotlineForm.saving.get(f.name) === saving) HotlineForm.saving.delete(f.name); });
  return saving;
}

async function save(f, value) {
  delete Console.timers[f.name];
  const r = await App.api('PUT', '/api/reports/' + Console.report.id + '/fields/' + f.name,
    { value, version: HotlineForm.versions[f.name] || 0 });
  if (r.ok) {
    Console.report.version = r.body.version;
    HotlineForm.versions[f.name] = r.body.fieldVersion;
    Console.pending.delete(f.name);
    clearConflict(f);
    markInvalid(f, false);
    setStatus(f.name, 'Saved', 'saved');
  } else if (r.status === 0) {
    setStatus(f.name, 'Not saved: the server cannot be reached. Trying again…', 'error');
    Console.timers[f.name] = setTimeout(() => save(f, value), 3000);
  } else if (r.status === 409 && r.body.field === f.name) {
    // Still unsaved (leaving the page warns) until the operator keeps one of the two.
    showConflict(f, value, r.body.current, r.body.fieldVersion);
  } else {
    Console.pending.delete(f.name);
    const msg = (r.body.fields && r.body.fields[f.name]) || r.body.message;
    if (r.body.kept) showRefused(f, null, msg); else { setStatus(f.name, msg, 'error'); markInvalid(f, true); }
  }
}

// The refused text stays in the field (after a reload it comes back from the server) with why it was refused.
function showRefused(f, value, reason) {
  if (value !== null) setFieldValue(f, value);
  setStatus(f.name, 'Not accepted: ' + reason + '. What you typed is kept here; correct it and it is saved.', 'error');
  markInvalid(f, true);
}

function markInvalid(f, invalid) {
  const input = $('f-' + f.name);
  if (!input) return;
  if (invalid) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

function shown(f, value) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return '(empty)';
  if (Array.isArray(value)) return value.map((c) => App.label(c, f.name)).join(', ');
  if (f.kind === 'COUNTRY') return App.country(value);
  if (f.kind === 'CODE' && f.name !== 'place') return App.label(value, f.name);
  return typeof value === 'boolean' ? App.label(value) : String(value);
}

// Both values side by side; nothing is stored until the operator keeps one.
function showConflict(f, mine, theirs, version) {
  clearConflict(f);
  const keepMine = App.el('button', { type: 'button', class: 'keep-mine' }, 'Keep mine');
  const keepOther = App.el('button', { type: 'button', class: 'keep-other' }, 'Keep the other tab\'s');
  const box = App.el('div', { class: 'conflict-box', id: 'conflict-' + f.name, role: 'group',
    'aria-label': 'Two versions of: ' + f.label },
  App.el('p', {}, 'This field was changed in another tab (or by another save) while you typed. Keep one:'),
  App.el('dl', { class: 'facts' },
    App.el('dt', {}, 'Yours'), App.el('dd', { class: 'mine' }, shown(f, mine)),
    App.el('dt', {}, 'Saved from another tab'), App.el('dd', { class: 'theirs' }, shown(f, theirs))),
  App.el('p', { class: 'actions' }, keepMine, keepOther));
  keepMine.addEventListener('click', () => App.busy(keepMine, async () => {
    HotlineForm.versions[f.name] = version;
    await save(f, mine);
  }));
  keepOther.addEventListener('click', () => {
    HotlineForm.versions[f.name] = version;
    setFieldValue(f, theirs);
    Console.pending.delete(f.name);
    clearConflict(f);
    setStatus(f.name, 'Saved', 'saved');
  });
  $('status-' + f.name).insertAdjacentElement('afterend', box);
  setStatus(f.name, 'Changed in another tab: choose which value to keep', 'conflict');
  App.announce(f.label + ': changed in another tab. Choose which value to keep.', true);
}

function clearConflict(f) {
  const box = $('conflict-' + f.name);
  if (box) box.remove();
}

function setStatus(name, text, cls) {
  const s = $('status-' + name);
  if (s) { s.textContent = sentence(text); s.className = 'field-status ' + cls; }
}

// The server's messages are phrases ("say whether…"); on screen they start as sentences.
function sentence(text) {
  const t = String(text || '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// A field saved in another tab of this operator shows here at once, unless the operator is in that field or has
// unsaved words in it: then nothing is replaced, and their next save shows both values (409 above).
function listenForOtherTabs() {
  if (HotlineForm.listening || !Console.link) return;
  HotlineForm.listening = true;
  Console.link.subscribe('/user/queue/report-fields', savedElsewhere);
}

async function savedElsewhere(m) {
  if (!Console.report || m.report !== Console.report.id || Console.report.status !== 'DRAFT') return;
  const f = HotlineForm.fields[m.field];
  if (!f || (HotlineForm.versions[f.name] || 0) >= m.fieldVersion || editing(f)) return;
  const r = await App.api('GET', '/api/reports/' + Console.report.id);
  if (!r.ok || editing(f) || m.report !== Console.report.id) return;
  HotlineForm.versions[f.name] = (r.body.report.fieldVersions || {})[f.name] || 0;
  setFieldValue(f, (r.body.report.values || {})[f.name]);
  markInvalid(f, false);
  setStatus(f.name, 'Saved from another tab', 'saved');
}

function editing(f) {
  const input = $('f-' + f.name);
  return Console.pending.has(f.name) || Boolean(input && input.contains(document.activeElement));
}

// Saves at once what waits for the typing to pause; true when no field is left unsaved.
async function saveAll() {
  await Promise.all(Object.keys(Console.timers).map((name) => saveNow(HotlineForm.fields[name])));
  // A save already on its way when the button was pressed (its pause had passed) decides as much as these.
  await Promise.all([...HotlineForm.saving.values()]);
  return Console.pending.size === 0;
}

// Idempotent on the server too: a repeat answers as the first submission did.
function submit() {
  return App.busy($('submit'), async () => {
    if (!await saveAll()) {
      $('submit-status').textContent = 'Not sent: a field is not saved yet (see its message).';
      const first = Console.formDef.find((f) => Console.pending.has(f.name));
      if (first) focusField(first.name);
      return;
    }
    const r = await App.api('POST', '/api/reports/' + Console.report.id + '/submit', undefined,
      { headers: { 'Idempotency-Key': HotlineForm.submitKey.key } });
    if (r.ok) {
      Console.report = r.body;
      renderForm();
      $('submit-status').textContent = submittedWords(r.body);
      $('submit-status').scrollIntoView({ block: 'center' });
      // The call bar asked for this report once the call ended; it must not go on asking (the walk-in page has no bar).
      if (typeof CallBar !== 'undefined' && CallBar.state === 'ENDED') {
        CallBar.notice('The call has ended and its report is submitted.');
      }
      loadDrafts(false);
    } else {
      $('submit-status').textContent = 'Not submitted: ' + r.body.message + '.';
      const problems = r.body.fields || {};
      for (const [name, msg] of Object.entries(problems)) {
        setStatus(name, msg, 'error');
        if (HotlineForm.fields[name]) markInvalid(HotlineForm.fields[name], true);
      }
      const first = Console.formDef.find((f) => problems[f.name]);
      if (first) focusField(first.name);
    }
  });
}

function submittedWords(body) {
  if (body.caseNumbering === 'NEW') return 'Report submitted. Case ' + body.caseReference + ' registered.';
  if (body.caseNumbering === 'BY_CALLERS_REFERENCE') {
    return 'Report submitted. It joins the case of the reference the caller gave (a new case if that reference names '
      + 'none); the caller keeps using their reference.';
  }
  return 'Report submitted. No case number yet: the registry receives it within a minute, and the data managers '
    + 'see it there.';
}

function focusField(name) {
  const el = $('f-' + name);
  if (!el) return;
  const target = el.matches('fieldset') ? el.querySelector('input') : el;
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

function firstControl(part) {
  return part.querySelector('input:not([disabled]), select:not([disabled]), textarea:not([disabled])');
}

function goToPart(id) {
  const part = $(id);
  const control = firstControl(part) || part;
  part.scrollIntoView({ block: 'start' });
  control.focus();
  markPart(id);
}

function markPart(id) {
  $('form-nav').querySelectorAll('a').forEach((a) => {
    if (a.dataset.part === id) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
  });
}

function nextPart() {
  const parts = [...document.querySelectorAll('#report-form .form-part')];
  if (!parts.length) return;
  const here = document.activeElement && document.activeElement.closest('.form-part');
  const next = here ? parts[(parts.indexOf(here) + 1) % parts.length] : parts[0];
  goToPart(next.id);
}

// Shortcuts that work wherever the focus is, inside a field included (shown on screen by the form).
document.addEventListener('keydown', (e) => {
  if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN') {
    if ($('report-form').hidden) return;
    e.preventDefault();
    nextPart();
  } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 'Enter') {
    if ($('submit').hidden || $('submit').disabled) return;
    e.preventDefault();
    submit();
  }
});

document.addEventListener('focusin', (e) => {
  const part = e.target.closest && e.target.closest('#report-form .form-part');
  if (part) markPart(part.id);
});
