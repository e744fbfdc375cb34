// On the operator's console (issue 20 F): during a call, ask a colleague (by name, or anyone who speaks a language)
// while the caller is on hold, then hand the caller over or go back to them; and, asked by a colleague, be told so in
// words and get the call, with its report, once it is handed over. Self-contained (one script tag), like
// supervised.js: the page draws the section, the server says what happened on /user/queue/consult.
'use strict';

const Consult = {
  asking: null,

  async start() {
    while (!App.me || typeof Console === 'undefined') await new Promise((resolve) => { setTimeout(resolve, 100); });
    const section = App.el('section', { id: 'consult', 'aria-labelledby': 'consult-title', hidden: true },
      App.el('h2', { id: 'consult-title' }, 'Ask a colleague'),
      App.el('p', { class: 'muted' }, 'The caller is put on hold while you talk with your colleague; then hand the '
        + 'caller over or go back to them.'),
      App.el('label', { for: 'consult-colleague' }, 'Colleague'),
      App.el('select', { id: 'consult-colleague' }),
      App.el('p', { class: 'actions' },
        App.el('button', { id: 'consult-ask', class: 'primary' }, 'Ask a colleague'), ' ',
        App.el('button', { id: 'consult-refresh' }, 'Who is available?')),
      App.el('p', { class: 'actions' },
        App.el('button', { id: 'consult-hand-over', class: 'primary', hidden: true }, 'Hand over'), ' ',
        App.el('button', { id: 'consult-back', hidden: true }, 'Back to the caller')),
      App.el('div', { id: 'interpreter', hidden: true },
        App.el('label', { for: 'interpreter-line' }, 'Interpreter line'),
        App.el('select', { id: 'interpreter-line' }),
        App.el('p', { class: 'actions' }, App.el('button', { id: 'interpreter-add' }, 'Add interpreter'))),
      App.el('p', { id: 'consult-status', class: 'field-status', role: 'status' }));
    document.getElementById('escalate').before(section);
    const told = App.el('p', { id: 'consult-told', class: 'banner', role: 'status', hidden: true });
    // Under "Current call", not in the call bar: the colleague asked has no call of their own on screen yet.
    document.querySelector('#incoming h2').after(told);
    Consult.el('consult-ask').onclick = () => App.busy(Consult.el('consult-ask'), Consult.ask);
    Consult.el('consult-refresh').onclick = Consult.colleagues;
    Consult.el('consult-hand-over').onclick = () => App.busy(Consult.el('consult-hand-over'), Consult.handOver);
    Consult.el('consult-back').onclick = () => App.busy(Consult.el('consult-back'), Consult.back);
    Consult.el('interpreter-add').onclick = () => App.busy(Consult.el('interpreter-add'), Consult.interpreter);
    // The directory's interpreter lines (configuration: read once); none configured, no button.
    const lines = await App.api('GET', '/api/console/interpreters');
    if (lines.ok && lines.body.length) {
      Consult.el('interpreter-line').replaceChildren(...lines.body.map((l) => App.el('option', { value: l.id },
        l.name)));
      Consult.el('interpreter').hidden = false;
    }
    App.live({}).subscribe('/user/queue/consult', Consult.on);
    // Shown while the operator talks on their call (the console's own state, no request to the server).
    setInterval(Consult.follow, 500);
  },

  el(id) {
    return document.getElementById(id);
  },

  follow() {
    const talking = !!(Console.call && Console.call.state === 'TALKING');
    const section = Consult.el('consult');
    if (section.hidden === talking) {
      section.hidden = !talking;
      if (talking) Consult.colleagues();
    }
  },

  // Everyone at their seat, available ones first, with their languages; anyone else is shown but cannot be chosen.
  async colleagues() {
    const r = await App.api('GET', '/api/console/colleagues');
    if (!r.ok) return;
    const languages = new Map();
    const people = r.body.map((c) => {
      c.languages.forEach((l) => { if (c.available) languages.set(l.code, l.name); });
      return App.el('option', { value: 'colleague:' + c.id, disabled: !c.available },
        c.name + ' (' + c.languages.map((l) => l.name).join(', ') + ')' + (c.available ? '' : ': ' + c.presence));
    });
    const anyone = [...languages].map(([code, name]) => App.el('option', { value: 'language:' + code },
      'Anyone available who speaks ' + name));
    const select = Consult.el('consult-colleague');
    select.replaceChildren(...people, ...anyone);
    if (!people.length && !anyone.length) select.append(App.el('option', { value: '', disabled: true }, 'Nobody else is at their seat'));
    const first = [...select.options].find((o) => !o.disabled);
    if (first) select.value = first.value;
  },

  async ask() {
    const [kind, value] = Consult.el('consult-colleague').value.split(':');
    if (!kind) return;
    const r = await App.api('POST', '/api/console/calls/' + encodeURIComponent(Console.call.id) + '/consult',
      kind === 'colleague' ? { colleague: Number(value) } : { language: value });
    Consult.status(r.ok ? 'Ringing ' + r.body.consulting + '. The caller is on hold.' : r.body.message, !r.ok);
    if (r.ok) Consult.asking = r.body.consulting;
    Consult.buttons();
  },

  async handOver() {
    // The report goes with the caller: what was typed is saved first, so the colleague gets every word of it.
    if (Console.report && !await saveAll()) {
      Consult.status('Not handed over yet: a field of the report is not saved (see its message).', true);
      return;
    }
    const r = await App.api('POST', '/api/console/calls/' + encodeURIComponent(Console.call.id)
      + '/consult/hand-over');
    if (!r.ok) { Consult.status(r.body.message, true); return; }
    Consult.asking = null;
    Consult.buttons();
  },

  async back() {
    const r = await App.api('DELETE', '/api/console/calls/' + encodeURIComponent(Console.call.id) + '/consult');
    if (!r.ok) { Consult.status(r.body.message, true); return; }
    Consult.asking = null;
    Consult.buttons();
  },

  async interpreter() {
    const r = await App.api('POST', '/api/console/calls/' + encodeURIComponent(Console.call.id) + '/interpreter',
      { agency: Consult.el('interpreter-line').value });
    Consult.status(r.ok ? 'The interpreter line is being brought into the call.' : r.body.message, !r.ok);
  },

  buttons() {
    Consult.el('consult-hand-over').hidden = !Consult.asking;
    Consult.el('consult-back').hidden = !Consult.asking;
    Consult.el('consult-ask').hidden = !!Consult.asking;
  },

  status(text, error) {
    Consult.el('consult-status').textContent = text;
    Consult.el('consult-status').className = 'field-status' + (error ? ' error' : '');
  },

  // The server's words for both sides; the colleague handed a caller picks the call up as a reloaded console does.
  async on(m) {
    if (m.role === 'ASKER') {
      Consult.status(m.words, false);
      if (m.what === 'HANDED_OVER' && (!Console.call || Console.call.id === m.call)) {
        Consult.el('consult').hidden = true;
        // The report went with the caller (the server moved it): nothing of it stays on this screen.
        leaveUnansweredCall();
        CallBar.setState('ENDED');
        const words = 'You handed the caller over to ' + m.colleague + '. The report went with the call: '
          + m.colleague + ' finishes it.';
        CallBar.notice(words);
        Consult.el('call-header').textContent = words;
      }
      return;
    }
    const told = Consult.el('consult-told');
    told.textContent = m.words;
    told.hidden = m.what === 'CANCELLED';
    if (m.what === 'HANDED_OVER') {
      const r = await App.api('GET', '/api/console/call');
      const current = r.ok && r.body.current;
      if (!current) return;
      showCall(current, current.state, current.sinceSeconds);
      // The report came with the caller: what the colleague typed is on screen, and this operator goes on with it.
      if (current.report) await openReport(current.report);
    }
  },
};

Consult.start();
