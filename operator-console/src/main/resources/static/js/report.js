// The public online reporting form. Stands alone (no sign-in, no common.js): it talks to /api/public/* only.
// Everything the reporter types goes into the DOM as text, never as HTML.
'use strict';

// The page's texts by language (i18n/report.json, loaded with the form): one file per product, so a language added to
// a country profile is checked by a test (OnlineFormTranslationsTest) rather than noticed by a reporter.
let TEXTS = {};

// Quick exit (issue 18): someone may walk in on the reporter. The button and the Escape key put a neutral page in
// place of the form (location.replace: the form's entry leaves the tab's history, so Back does not bring it back),
// after emptying what the tab keeps for this site and the form itself. Set up before anything is fetched, so it
// works while the form is still loading; the address comes with the form (hotline.online.quick-exit-url).
const QuickExit = {
  url: '/weather.html',

  go() {
    try { sessionStorage.clear(); } catch (e) { /* storage refused: nothing was kept there either */ }
    const form = document.getElementById('report');
    if (form) form.reset();
    document.body.hidden = true;
    location.replace(QuickExit.url);
  },
};
document.getElementById('quick-exit').addEventListener('click', QuickExit.go);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' || e.key === 'Esc') { e.preventDefault(); QuickExit.go(); }
});

// Which field goes in which part of the page; the identity choice and "reported before" decide what is sent.
const LAYOUT = {
  sWhat: ['traffickingTypes', 'traffickingOther', 'place', 'locationDetail', 'incidentDate', 'description',
    'traffickerInfo'],
  sVictims: ['victimDescriptors', 'victimOrigin', 'victimCountry'],
  sBefore: ['reportedBefore', 'reportedToAgency', 'reportedOn'],
};
const ANONYMOUS_FIELDS = ['reporterSex', 'reporterLocality'];
const CONTACT_FIELDS = ['contactFirstName', 'contactLastName', 'contactAddress', 'contactPhone', 'contactAgency'];

const Report = {
  def: null,
  lang: 'en',
  // One key per report (kept on a retry after a refusal or a lost answer): a second click or a retry never sends a
  // second report; the server answers the first one's code again.
  key: App.newRequestKey(),
  fields: {},
  texts: [], // [element, key path, prefix]

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

  t(path) {
    const pick = (lang) => path.split('.').reduce((o, k) => (o ? o[k] : undefined), TEXTS[lang]);
    const v = pick(Report.lang);
    return v === undefined ? (pick('en') ?? path) : v;
  },

  // An element whose text follows the chosen language.
  text(tag, key, attrs = {}) {
    const e = Report.el(tag, attrs);
    Report.texts.push([e, key]);
    e.textContent = Report.t(key);
    return e;
  },

  async start() {
    const [r, texts] = await Promise.all([
      fetch('/api/public/form', { headers: { Accept: 'application/json' }, credentials: 'same-origin' }),
      fetch('/i18n/report.json', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })]);
    Report.def = await r.json();
    if (Report.def.quickExitUrl) QuickExit.url = Report.def.quickExitUrl;
    TEXTS = await texts.json();
    const offered = Report.def.languages.filter((l) => TEXTS[l]);
    const languages = offered.length ? offered : ['en'];
    const asked = new URLSearchParams(location.search).get('lang');
    const browser = (navigator.languages || []).map((l) => l.slice(0, 2));
    Report.lang = [asked, ...browser].find((l) => languages.includes(l)) || languages[0];
    const picker = document.getElementById('language');
    for (const l of languages) {
      picker.append(Report.el('option', { value: l }, new Intl.DisplayNames([l], { type: 'language' }).of(l)));
    }
    picker.value = Report.lang;
    picker.addEventListener('change', () => { Report.lang = picker.value; Report.translate(); });
    Report.texts.push([document.getElementById('language-label'), 'language']);
    Report.texts.push([document.getElementById('quick-exit'), 'quickExit']);
    Report.texts.push([document.getElementById('quick-exit-hint'), 'quickExitHint']);
    Report.texts.push([document.getElementById('title'), 'title']);
    Report.texts.push([document.getElementById('intro-title'), 'introTitle']);
    Report.texts.push([document.getElementById('intro-text'), 'intro']);
    Report.texts.push([document.getElementById('intro-law'), 'law']);
    for (const f of Report.def.fields) Report.fields[f.name] = f;
    Report.build(document.getElementById('report'));
    Report.translate();
  },

  translate() {
    document.documentElement.lang = Report.lang;
    document.title = Report.t('title');
    for (const [e, key] of Report.texts) e.textContent = Report.t(key);
    const banner = document.getElementById('emergency');
    banner.replaceChildren();
    const number = Report.def.hotlineNumber;
    if (number) {
      banner.append(Report.t('emergencyNumber') + ' ',
        Report.el('a', { href: 'tel:' + number.replace(/[^0-9+]/g, ''), id: 'emergency-number' }, number));
    } else {
      banner.append(Report.t('emergencyNoNumber'));
    }
    // Countries by their name in the form's language, in that language's order; the value stays the ISO code.
    const countries = document.getElementById('f-victimCountry');
    const names = new Intl.DisplayNames([Report.lang], { type: 'region' });
    const chosen = countries.value;
    const options = [...countries.options].filter((o) => o.value);
    for (const option of options) option.textContent = names.of(option.value) || option.value;
    options.sort((a, b) => a.textContent.localeCompare(b.textContent, Report.lang));
    countries.append(...options);
    countries.value = chosen;
  },

  build(form) {
    for (const [section, names] of Object.entries(LAYOUT)) {
      form.append(Report.el('section', {}, Report.text('h2', section), names.map((n) => Report.field(n))));
    }
    const anonymous = Report.el('div', { id: 'anonymous-fields', hidden: true }, ANONYMOUS_FIELDS.map(Report.field));
    const contact = Report.el('div', { id: 'contact-fields', hidden: true }, CONTACT_FIELDS.map(Report.field));
    const choose = () => {
      anonymous.hidden = !document.getElementById('identity-anonymous').checked;
      contact.hidden = !document.getElementById('identity-contact').checked;
    };
    const choice = (id, key) => Report.el('label', { for: id },
      Report.el('input', { type: 'radio', name: 'identity', id, onchange: choose }), ' ', Report.text('span', key));
    form.append(Report.el('section', {}, Report.text('h2', 'sYou'),
      Report.el('fieldset', { class: 'choice' }, Report.text('legend', 'identity'),
        choice('identity-anonymous', 'anonymousChoice'), choice('identity-contact', 'contactChoice')),
      Report.el('div', { class: 'field-error', id: 'e-contactConsent' }),
      anonymous, contact));
    const before = document.getElementById('f-reportedBefore');
    const showBefore = () => {
      for (const n of ['reportedToAgency', 'reportedOn']) {
        document.getElementById('w-' + n).hidden = before.value !== 'true';
      }
    };
    before.addEventListener('change', showBefore);
    showBefore();
    form.append(Report.el('p', {}, Report.text('button', 'submit', { type: 'submit', class: 'primary', id: 'submit' })),
      Report.el('p', { id: 'form-status', role: 'status' }));
    form.addEventListener('submit', (e) => { e.preventDefault(); Report.send(form); });
  },

  field(name) {
    const f = Report.fields[name];
    const id = 'f-' + name;
    let input;
    if (f.kind === 'CODES') {
      input = Report.el('div', { class: 'codes', id }, f.codes.map((c) => Report.el('label', {},
        Report.el('input', { type: 'checkbox', name, value: c }), ' ', Report.text('span', 'c.' + c))));
    } else if (f.kind === 'CODE' || f.kind === 'COUNTRY' || f.kind === 'BOOLEAN') {
      input = Report.el('select', { id, name });
      input.append(Report.text('option', 'notSure', { value: '' }));
      if (f.kind === 'BOOLEAN') {
        input.append(Report.text('option', 'no', { value: 'false' }), Report.text('option', 'yes', { value: 'true' }));
      } else if (f.kind === 'COUNTRY') {
        for (const c of Report.def.countries) input.append(Report.el('option', { value: c }, c));
      } else {
        // The jurisdiction's places are names already; the seed's codes have texts.
        for (const c of f.codes) input.append(name === 'place' ? Report.el('option', { value: c }, c)
          : Report.text('option', (name === 'victimOrigin' ? 'o.' : 'c.') + c, { value: c }));
      }
    } else if (f.kind === 'DATE') {
      input = Report.el('input', { type: 'date', id, name, max: new Date().toISOString().slice(0, 10) });
    } else if (f.kind === 'TEXT' && f.maxLength > 300) {
      input = Report.el('textarea', { id, name, maxlength: f.maxLength, rows: 5 });
    } else {
      input = Report.el('input', { type: f.kind === 'PHONE' ? 'tel' : 'text', id, name, maxlength: f.maxLength });
    }
    return Report.el('div', { id: 'w-' + name },
      Report.text('label', 'f.' + name, { for: id }), input, Report.el('div', { class: 'field-error', id: 'e-' + name }));
  },

  value(name) {
    const f = Report.fields[name];
    if (f.kind === 'CODES') {
      return [...document.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    }
    const v = document.getElementById('f-' + name).value;
    if (f.kind === 'BOOLEAN') return v === '' ? null : v === 'true';
    return v.trim() === '' ? null : v;
  },

  collect() {
    const anonymous = document.getElementById('identity-anonymous').checked;
    const contact = document.getElementById('identity-contact').checked;
    const names = Object.values(LAYOUT).flat().concat(anonymous ? ANONYMOUS_FIELDS : [], contact ? CONTACT_FIELDS : []);
    const answers = { anonymous, contactConsent: contact };
    for (const n of names) {
      if (document.getElementById('w-' + n).hidden) continue;
      const v = Report.value(n);
      if (v !== null && !(Array.isArray(v) && v.length === 0)) answers[n] = v;
    }
    return answers;
  },

  async send(form) {
    const status = document.getElementById('form-status');
    const button = document.getElementById('submit');
    if (button.disabled) return;
    document.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
    document.querySelectorAll('#report [aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    status.className = '';
    status.textContent = Report.t('sending');
    button.disabled = true;
    const headers = { Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': Report.key };
    headers[Report.def.csrf.header] = Report.def.csrf.token;
    let r;
    let body = null;
    try {
      r = await fetch('/api/public/reports', { method: 'POST', headers, credentials: 'same-origin',
        body: JSON.stringify({ language: Report.lang, answers: Report.collect() }) });
      const text = await r.text();
      body = text && text.trim().startsWith('{') ? JSON.parse(text) : null;
    } catch (e) {
      r = { status: 0 };
    }
    button.disabled = false;
    if (r.status === 201 && body && body.reference) {
      Report.done(form, body.reference);
      return;
    }
    status.className = 'error';
    if (r.status === 400 && body && body.fields) {
      // The server's messages come in the form's language; what was typed stays where it was.
      status.textContent = Report.t('checkFields');
      let first = null;
      for (const [name, problem] of Object.entries(body.fields)) {
        const target = document.getElementById('e-' + name);
        if (!target) { status.append(' ', problem); continue; }
        target.textContent = problem;
        const input = Report.input(name);
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', 'e-' + name);
          first = first || input;
        }
      }
      if (first) first.focus();
    } else if (r.status === 429) {
      status.textContent = Report.t('tooMany');
    } else if (r.status === 403) {
      status.textContent = Report.t('expired');
    } else {
      status.textContent = Report.t('failed');
    }
  },

  // The control to mark and focus for a field's refusal: the field, its first box, or the identity choice.
  input(name) {
    if (name === 'contactConsent' || name === 'anonymous') {
      return document.getElementById(name === 'anonymous' ? 'identity-anonymous' : 'identity-contact');
    }
    const field = document.getElementById('f-' + name);
    if (field && field.classList.contains('codes')) return field.querySelector('input');
    return field;
  },

  // Only the reference stays on screen: the form and everything typed into it leave the page.
  done(form, reference) {
    form.reset();
    form.remove();
    document.getElementById('intro').hidden = true;
    for (const [id, key] of [['done-title', 'doneTitle'], ['done-text', 'doneText'], ['done-keep', 'doneKeep']]) {
      const e = document.getElementById(id);
      Report.texts.push([e, key]);
      e.textContent = Report.t(key);
    }
    document.getElementById('reference').textContent = reference;
    document.getElementById('done').hidden = false;
  },
};

Report.start();
