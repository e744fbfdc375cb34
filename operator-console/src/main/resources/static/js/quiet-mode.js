// Quiet mode (issue 18): a caller who cannot speak freely (they pressed the IVR's digit, or the operator hears that
// someone may be listening) is asked only questions they can answer with one word or one keypad digit. The script
// comes from the server, derived from the registering form (danger first); each answer is saved into the same field
// of the report by hotline-form.js's own save, so it is versioned, audited and shown in the form like any other.
// The cover story stays in view, and "Safe end" hangs up through the console's own hang-up and leaves a screen
// with nothing of the call on it. Uses console.js's $ and Console, hotline-form.js's fields and save.
'use strict';

const QuietMode = {
  script: null,
  call: null,
  on: false,
  index: 0,
  listening: false,

  // The hook (console.js, when a report opens): the call of that report, or null.
  async follow(call) {
    QuietMode.call = call && (call.state === 'RINGING' || call.state === 'TALKING') ? call : null;
    QuietMode.on = false;
    $('quiet-script').hidden = true;
    $('quiet-offer').hidden = false;
    $('quiet').hidden = !QuietMode.call;
    if (!QuietMode.call) return;
    QuietMode.listen();
    QuietMode.showSafeEnd(call.state);
    if (call.quietMode) await QuietMode.open();
  },

  listen() {
    if (QuietMode.listening || !Console.link) return;
    QuietMode.listening = true;
    Console.link.subscribe('/user/queue/call', QuietMode.onCallUpdate);
    $('quiet-on').addEventListener('click', () => App.busy($('quiet-on'), QuietMode.switchOn));
    $('quiet-safe-end').addEventListener('click', () => App.busy($('quiet-safe-end'), QuietMode.safeEnd));
    $('quiet-back').addEventListener('click', () => QuietMode.go(QuietMode.index - 1));
    $('quiet-next').addEventListener('click', () => QuietMode.go(QuietMode.index + 1));
    $('quiet-escalate').addEventListener('click', () => CallBar.toEscalation());
    document.addEventListener('keydown', QuietMode.key);
  },

  onCallUpdate(u) {
    if (!QuietMode.call || u.call !== QuietMode.call.id) return;
    if (u.state === 'ENDED' || u.event === 'OfferUnanswered') {
      // Over (hung up by either side, or it rang out): the report stays in the full form to finish.
      QuietMode.call = null;
      QuietMode.on = false;
      $('quiet').hidden = true;
    } else if (u.state) {
      QuietMode.call.state = u.state;
      QuietMode.showSafeEnd(u.state);
    }
  },

  // The hotline hangs the call up itself on every provider (a desk phone included): see safeEnd.
  showSafeEnd(state) {
    $('quiet-safe-end').hidden = state !== 'TALKING';
  },

  async load() {
    if (QuietMode.script) return QuietMode.script;
    const r = await App.api('GET', '/api/console/quiet-script');
    if (!r.ok) { App.tell('The yes/no script could not be loaded', r.body.message); return null; }
    QuietMode.script = r.body;
    return QuietMode.script;
  },

  async switchOn() {
    if (!QuietMode.call) return;
    const r = await App.api('POST', '/api/console/calls/' + encodeURIComponent(QuietMode.call.id) + '/quiet-mode');
    if (!r.ok) { App.tell('Not switched to the yes/no script', r.body.message); return; }
    QuietMode.call.quietMode = true;
    await QuietMode.open();
  },

  async open() {
    const script = await QuietMode.load();
    if (!script || !QuietMode.call) return;
    QuietMode.on = true;
    $('quiet-cover-text').textContent = '“' + script.coverStory + '”';
    $('quiet-offer').hidden = true;
    $('quiet-script').hidden = false;
    $('quiet').scrollIntoView({ block: 'start' });
    App.announce('Yes/no script: ask the first question, about danger.', true);
    QuietMode.go(0);
  },

  questions() {
    // Only what the form on screen has: the script and the form come from the same definition.
    return QuietMode.script.questions.filter((q) => HotlineForm.fields[q.field]);
  },

  go(index) {
    const questions = QuietMode.questions();
    QuietMode.index = Math.max(0, Math.min(index, questions.length));
    QuietMode.render();
  },

  current() {
    return QuietMode.questions()[QuietMode.index] || null;
  },

  // What the field holds now, read from the form (the operator may have typed there too).
  value(q) {
    const read = HotlineForm.reads[q.field];
    return read ? read() : null;
  },

  words(q, value) {
    if (value === true || value === false) return App.label(value);
    return App.label(value, q.field);
  },

  answered(q) {
    const v = QuietMode.value(q);
    if (v === null || v === undefined || (Array.isArray(v) && !v.length)) return 'Not asked yet';
    return Array.isArray(v) ? v.map((c) => QuietMode.words(q, c)).join(', ') : QuietMode.words(q, v);
  },

  render() {
    const questions = QuietMode.questions();
    const q = QuietMode.current();
    const box = $('quiet-question');
    $('quiet-progress').textContent = q ? 'Question ' + (QuietMode.index + 1) + ' of ' + questions.length
      : 'All ' + questions.length + ' questions asked';
    $('quiet-back').disabled = QuietMode.index === 0;
    $('quiet-next').hidden = !q;
    $('quiet-next').textContent = q && q.several ? 'Next question (Enter)' : 'Skip (Enter)';
    $('quiet-danger').hidden = QuietMode.value(questions[0] || {}) !== true;
    if (!q) {
      box.replaceChildren(App.el('p', {}, 'Every question of the script is asked. Use the full form for the rest, or ',
        'end the call safely.'));
      QuietMode.summary(questions);
      return;
    }
    const now = QuietMode.value(q);
    const chosen = (c) => (q.several ? Array.isArray(now) && now.includes(c.value) : now === c.value);
    box.replaceChildren(
      App.el('p', { class: 'quiet-label', id: 'quiet-label' }, q.label, q.several ? ' (all that apply)' : ''),
      App.el('div', { class: 'quiet-choices', role: 'group', 'aria-labelledby': 'quiet-label' },
        q.choices.map((c) => App.el('button', { type: 'button', class: 'quiet-choice', 'data-digit': c.digit,
          'aria-pressed': chosen(c) ? 'true' : 'false', 'aria-keyshortcuts': c.digit,
          onclick: () => QuietMode.answer(q, c) },
        App.el('kbd', {}, c.digit), ' ', QuietMode.words(q, c.value)))),
      App.el('p', { class: 'field-status', id: 'quiet-status', role: 'status' }));
    QuietMode.summary(questions);
    box.focus();
  },

  summary(questions) {
    $('quiet-answers').replaceChildren(...questions.map((q, i) => App.el('li', { 'data-field': q.field,
      'aria-current': i === QuietMode.index ? 'step' : undefined },
    App.el('a', { href: '#', onclick: (e) => { e.preventDefault(); QuietMode.go(i); } }, q.label), ': ',
    App.el('span', { class: 'quiet-answer' }, QuietMode.answered(q)))));
  },

  // One answer: saved into the report's field through the form's own save, then on to the next question (a set of
  // options stays on its question until Enter, so that several can be pressed).
  async answer(q, choice) {
    const f = HotlineForm.fields[q.field];
    if (!f || !Console.report || Console.report.status !== 'DRAFT') return;
    let value = choice.value;
    if (q.several) {
      const now = QuietMode.value(q) || [];
      value = now.includes(choice.value) ? now.filter((c) => c !== choice.value) : now.concat(choice.value);
    }
    setFieldValue(f, value);
    clearTimeout(Console.timers[f.name]);
    Console.pending.add(f.name);
    const at = QuietMode.index;
    await save(f, value);
    const saved = !Console.pending.has(f.name) && $('status-' + f.name).classList.contains('saved');
    if (QuietMode.index !== at) return;
    if (!saved) {
      QuietMode.render();
      $('quiet-status').textContent = 'Not saved: ' + $('status-' + f.name).textContent;
      $('quiet-status').className = 'field-status error';
      return;
    }
    App.announce(q.label + ': ' + QuietMode.answered(q) + '. Saved.');
    if (q.several) {
      QuietMode.render();
      $('quiet-status').textContent = 'Saved';
      $('quiet-status').className = 'field-status saved';
    } else {
      QuietMode.go(QuietMode.index + 1);
    }
  },

  // The digits the caller says or presses, typed by the operator; Enter moves on. Not while they type in a field
  // of the full form, where a digit is an age or a date.
  key(e) {
    if (!QuietMode.on || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target;
    const inForm = target && target.closest && target.closest('input, select, textarea, [contenteditable]');
    if (inForm || document.querySelector('dialog[open]')) return;
    const q = QuietMode.current();
    if (/^[0-9]$/.test(e.key) && q) {
      const choice = q.choices.find((c) => c.digit === e.key);
      if (!choice) return;
      e.preventDefault();
      QuietMode.answer(q, choice);
    } else if (e.key === 'Enter' && q && !(target && target.closest && target.closest('button, a'))) {
      e.preventDefault();
      QuietMode.go(QuietMode.index + 1);
    }
  },

  // Hangs up through the console's own Hang up, then shows nothing of the call: the report waits, as a draft, in
  // "Your open reports".
  async safeEnd() {
    if (!QuietMode.call) return;
    const r = await App.api('POST', '/api/console/calls/' + encodeURIComponent(QuietMode.call.id) + '/safe-end');
    if (!r.ok) { App.tell('The call could not be ended from here', r.body.message + ' Hang up the phone.'); return; }
    QuietMode.call = null;
    QuietMode.on = false;
    $('quiet').hidden = true;
    leaveUnansweredCall();
    CallBar.silence();
    clearInterval(CallBar.timer);
    CallBar.el('callbar').hidden = true;
    $('call-header').textContent = 'No call now.';
    $('form-nav').hidden = true;
    window.scrollTo(0, 0);
    App.announce('', true);
    App.announce('Call ended safely. The report is kept in your open reports.');
  },
};
