// The pieces every page shares to speak to people in human words and never lose their work: labels for codes,
// dates in the jurisdiction's zone, dialogs instead of prompt()/alert(), buttons that cannot send twice, and the
// announcements a screen reader hears. Loaded before common.js (and alone on the public pages).
'use strict';

const App = {
  me: null,
  labels: {},
  zone: undefined,
  locale: 'en',

  // Fetched once per page; without it a code still reads as a sentence ("Escalation step"), never as ESCALATION_STEP.
  async loadLabels() {
    try {
      const r = await fetch('/api/labels', { headers: { Accept: 'application/json' } });
      if (r.ok) App.labels = await r.json();
    } catch (e) { /* the sentence fallback below still gives words */ }
  },

  // label(code) or label(code, kind): kind picks a wording for one place (presence.AWAY) over the general one.
  label(code, kind) {
    if (code === null || code === undefined || code === '') return '';
    if (code === true) return 'Yes';
    if (code === false) return 'No';
    const c = String(code);
    const words = (kind && App.labels[kind + '.' + c]) || App.labels['code.' + c];
    if (words) return words;
    const spaced = /[_]/.test(c) || c === c.toUpperCase() ? c.replace(/_/g, ' ') : c.replace(/(?!^)([A-Z])/g, ' $1');
    const lower = spaced.toLowerCase().trim();
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  },

  // "en" → "English", "JM" → "Jamaica": the browser knows the names, we store the codes.
  language(code) {
    if (!code) return '';
    try { return new Intl.DisplayNames([App.locale, 'en'], { type: 'language' }).of(code) || code; } catch (e) { return code; }
  },

  country(code) {
    if (!code) return '';
    try { return new Intl.DisplayNames([App.locale, 'en'], { type: 'region' }).of(code) || code; } catch (e) { return code; }
  },

  // Countries by name for a <select> that stores the ISO code ("Jamaica" → JM), from the server's own list.
  countryOptions(selected, emptyText = '— choose a country —') {
    const list = Object.keys(App.labels).filter((k) => k.startsWith('country.'))
      .map((k) => [k.slice(8), App.labels[k]]).sort((a, b) => a[1].localeCompare(b[1], App.locale));
    return [App.el('option', { value: '' }, emptyText)].concat(list.map(([code, name]) =>
      App.el('option', { value: code, selected: code === selected }, name)));
  },

  duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
  },

  useJurisdiction(j) {
    if (!j) return;
    App.zone = j.timeZone;
    App.locale = j.locale || 'en';
  },

  // Dates in the jurisdiction's zone and format, with the zone named when the browser's own differs.
  time(iso) {
    if (!iso) return '';
    try {
      return new Intl.DateTimeFormat(App.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: App.zone })
        .format(new Date(iso));
    } catch (e) { return new Date(iso).toLocaleString(); }
  },

  date(iso) {
    if (!iso) return '';
    // A date without a time ("2026-03-01") is a calendar day: shown as that day, never shifted by a zone.
    const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(iso + 'T12:00:00Z') : new Date(iso);
    try {
      return new Intl.DateTimeFormat(App.locale, { dateStyle: 'medium',
        timeZone: /^\d{4}-\d{2}-\d{2}$/.test(iso) ? 'UTC' : App.zone }).format(d);
    } catch (e) { return d.toLocaleDateString(); }
  },

  // A short, readable handle for an id nobody should have to read in full (timelines, histories).
  shortId(id) {
    return id ? String(id).slice(0, 8) : '';
  },

  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  },

  // A table never spills out of its card: it scrolls inside a wrapper instead. Tables made later by a page's
  // script are wrapped with App.scrolling(table).
  scrolling(table) {
    if (table.parentElement && table.parentElement.classList.contains('table-scroll')) return table.parentElement;
    const wrap = App.el('div', { class: 'table-scroll', tabindex: '0', role: 'region',
      'aria-label': (table.closest('section') && table.closest('section').querySelector('h2,h3')
        ? table.closest('section').querySelector('h2,h3').textContent : 'Table') });
    if (table.parentNode) table.parentNode.replaceChild(wrap, table);
    wrap.append(table);
    return wrap;
  },

  // Said to screen readers and shown briefly at the bottom of the screen ("Saved", "Call ringing").
  announce(text, urgent) {
    let region = document.getElementById(urgent ? 'announce-urgent' : 'announce');
    if (!region) {
      region = App.el('div', { id: urgent ? 'announce-urgent' : 'announce', class: 'sr-only',
        'aria-live': urgent ? 'assertive' : 'polite', role: urgent ? 'alert' : 'status' });
      document.body.append(region);
    }
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 30);
  },

  // Disables the button while its request is in flight: a double click sends once. Resolves to fn's result.
  async busy(button, fn) {
    if (button && button.disabled) return undefined;
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    try {
      return await fn();
    } finally {
      // The words are left as the handler made them: a toggle ("Show details" / "Hide details") keeps its new ones.
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
    }
  },

  // A key that makes a repeated create (a double click, a retry after a lost answer) return the first result.
  newRequestKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  },

  // The error of one field, next to it, announced, with focus moved there.
  fieldError(input, message, focus = true) {
    const id = (input.id || input.name) + '-error';
    let note = document.getElementById(id);
    if (!message) {
      input.removeAttribute('aria-invalid');
      if (note) note.textContent = '';
      return;
    }
    if (!note) {
      note = App.el('span', { id, class: 'field-status error' });
      input.insertAdjacentElement('afterend', note);
    }
    note.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    input.setAttribute('aria-describedby', described.concat(id).join(' '));
    if (focus) input.focus();
  },

  // Dialogs in the page's own look instead of the browser's prompt()/alert()/confirm(), which block the page
  // (and the live channel's messages) and cannot be styled or read well.
  dialog({ title, message, input, okLabel = 'OK', cancelLabel = 'Cancel', danger = false, required = false,
    multiline = false, alertOnly = false }) {
    return new Promise((resolve) => {
      const titleId = 'dlg-title-' + Math.random().toString(36).slice(2);
      const field = input === undefined ? null : (multiline
        ? App.el('textarea', { id: titleId + '-in', maxlength: '1000' })
        : App.el('input', { id: titleId + '-in', type: 'text', maxlength: '500' }));
      if (field && input) field.value = input;
      const error = App.el('p', { class: 'field-status error', role: 'alert' });
      const ok = App.el('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, okLabel);
      const cancel = alertOnly ? null : App.el('button', { type: 'button', value: 'cancel' }, cancelLabel);
      const form = App.el('form', { method: 'dialog' },
        App.el('h2', { id: titleId }, title || ''),
        message ? App.el('p', {}, message) : null,
        field ? App.el('label', { for: field.id }, typeof required === 'string' ? required : 'Your answer') : null,
        field, error,
        App.el('p', { class: 'actions' }, ok, cancel ? ' ' : null, cancel));
      const dlg = App.el('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
      document.body.append(dlg);
      let answered = false;
      const finish = (value) => { if (answered) return; answered = true; dlg.close(); dlg.remove(); resolve(value); };
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        if (field && required && !field.value.trim()) {
          error.textContent = 'Please fill this in.';
          field.setAttribute('aria-invalid', 'true');
          field.focus();
          return;
        }
        finish(field ? field.value : true);
      });
      if (cancel) cancel.addEventListener('click', () => finish(field ? null : false));
      dlg.addEventListener('cancel', (e) => { e.preventDefault(); finish(alertOnly ? true : (field ? null : false)); });
      dlg.showModal();
      (field || ok).focus();
    });
  },

  confirm(title, message, okLabel, danger) {
    return App.dialog({ title, message, okLabel: okLabel || 'Yes', danger });
  },

  ask(title, message, options = {}) {
    return App.dialog(Object.assign({ title, message, input: '', required: options.label || true }, options));
  },

  tell(title, message) {
    return App.dialog({ title, message, alertOnly: true });
  },
};

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('section table, main table').forEach((t) => App.scrolling(t));
});
