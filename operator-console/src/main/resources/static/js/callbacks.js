// The callback queue (issue 18) on the operator's console and the supervisor's page: callers the hotline could not
// answer, urgent first then oldest, in words: why, when, how many calls, attempts, the masked number only. A caller
// who must not be called is listed and marked, with no take button. Live: every change arrives on
// /topic/callbacks. Self-contained (one script tag and a <section id="callbacks"> on the page): it waits for the
// page's own sign-in (App.start) and opens its own live link.
'use strict';

const Callbacks = {
  tasks: new Map(),
  body: null,

  async start() {
    // App.me is set before the labels arrive: wait for both (a few seconds at most), or codes would show as words
    // guessed from the code.
    for (let i = 0; (!App.me || !Object.keys(App.labels).length) && i < 100; i++) {
      await new Promise((resolve) => { setTimeout(resolve, 100); });
    }
    while (!App.me) await new Promise((resolve) => { setTimeout(resolve, 100); });
    const section = document.getElementById('callbacks');
    if (!section) return;
    // The same panel on the console and the supervisor's page: built here once, the pages hold only its heading.
    Callbacks.body = App.el('tbody', {}, App.el('tr', {}, App.el('td', { colspan: 3, class: 'muted' }, 'Loading…')));
    const table = App.el('table', { class: 'keep-words' }, App.el('thead', {}, App.el('tr', {},
      App.el('th', {}, 'Caller'), App.el('th', {}, 'Why and when'), App.el('th', {}, 'Now'))), Callbacks.body);
    section.append(App.el('p', { class: 'muted' }, 'Callers the hotline could not answer. Urgent first, then the '
      + 'oldest; only in the safe hours. The number stays hidden: taking one rings your phone first, then the '
      + 'caller, who sees the hotline\'s number.'), table);
    App.scrolling(table);
    const link = App.live({});
    link.subscribe('/topic/callbacks', Callbacks.onChange);
    await Callbacks.reload();
    // "Due from 08:00" turns into a take button when the window opens, without a reload.
    setInterval(Callbacks.render, 30000);
  },

  async reload() {
    const r = await App.api('GET', '/api/callbacks');
    if (!r.ok) return;
    Callbacks.tasks.clear();
    r.body.forEach((t) => Callbacks.tasks.set(t.id, t));
    Callbacks.render();
  },

  onChange(task) {
    if (task.status === 'CLOSED') Callbacks.tasks.delete(task.id);
    else {
      const fresh = !Callbacks.tasks.has(task.id);
      Callbacks.tasks.set(task.id, task);
      if (fresh && !task.doNotCall) App.announce('A caller to call back joined the callback queue.');
    }
    Callbacks.render();
  },

  // The server's order: may be called first, urgent first, oldest first.
  ordered() {
    return [...Callbacks.tasks.values()].sort((a, b) => (!!a.doNotCall - !!b.doNotCall)
      || (b.urgent - a.urgent) || (new Date(a.firstCallAt) - new Date(b.firstCallAt)));
  },

  render() {
    const rows = Callbacks.ordered().map(Callbacks.row);
    Callbacks.body.replaceChildren(...(rows.length ? rows
      : [App.el('tr', {}, App.el('td', { colspan: 3, class: 'muted' }, 'Nobody to call back.'))]));
  },

  row(t) {
    const due = t.dueAt && new Date(t.dueAt) > new Date();
    const mine = t.takenBy === App.me.id;
    const why = App.label(t.reason, 'callback') + (t.calls > 1 ? ' · ' + t.calls + ' calls from this number' : '');
    let state;
    if (t.doNotCall) state = App.el('span', { class: 'badge badge-dnc' }, App.label(t.doNotCall, 'callback'));
    else if (t.takenBy) state = 'Being called by ' + (mine ? 'you' : (t.takenByName || 'an operator'));
    else if (due) state = 'Can be called from ' + App.time(t.dueAt) + ' (safe hours)';
    else state = 'Waiting';
    const requested = t.requestedBy ? App.el('div', { class: 'muted' }, 'An alerted agency asked for this call back')
      : null;
    // Three columns: the console's card is narrow, and a row must read at a glance.
    return App.el('tr', { 'data-task': t.id, class: t.doNotCall ? 'do-not-call' : '' },
      App.el('td', {}, App.el('strong', {}, t.callerMask),
        t.urgent ? App.el('div', {}, App.el('span', { class: 'badge badge-danger' }, 'Urgent')) : null,
        t.doNotCall ? null : App.el('div', { class: 'muted' }, 'Attempts: ' + t.attempts + ' of ' + t.maxAttempts)),
      App.el('td', {}, why, App.el('div', { class: 'muted' }, App.time(t.lastCallAt)
        + (t.calls > 1 ? ' (first ' + App.time(t.firstCallAt) + ')' : '')), requested),
      App.el('td', { class: 'actions' }, App.el('div', {}, state), Callbacks.actions(t, due, mine)));
  },

  actions(t, due, mine) {
    if (t.doNotCall) {
      return App.el('button', { onclick: (e) => Callbacks.post(e.currentTarget, t, 'noted') }, 'Set aside');
    }
    if (!t.takenBy) {
      if (due) return null;
      return App.el('button', { class: 'primary', onclick: (e) => Callbacks.post(e.currentTarget, t, 'take') },
        'Take and call ' + t.callerMask);
    }
    if (!mine && App.me.role !== 'SUPERVISOR') return null;
    const select = App.el('select', { 'aria-label': 'What came of the call to ' + t.callerMask },
      App.el('option', { value: '' }, 'What came of the call…'),
      ['REACHED', 'NO_ANSWER', 'SOMEONE_ELSE', 'WRONG_NUMBER', 'ASKED_NOT_TO_BE_CALLED'].map((o) =>
        App.el('option', { value: o }, App.label(o, 'callback'))));
    const record = App.el('button', { class: 'primary', onclick: async (e) => {
      if (!select.value) { App.fieldError(select, 'choose what came of the call'); return; }
      await Callbacks.post(e.currentTarget, t, 'outcome', { outcome: select.value });
    } }, 'Record');
    const release = App.el('button', { onclick: (e) => Callbacks.post(e.currentTarget, t, 'release') }, 'Give back');
    return [select, ' ', record, ' ', release];
  },

  async post(button, t, action, body) {
    await App.busy(button, async () => {
      const r = await App.api('POST', '/api/callbacks/' + t.id + '/' + action, body);
      if (!r.ok) {
        await App.tell('That did not work', (r.body && r.body.message) || 'the server refused it');
        await Callbacks.reload();
        return;
      }
      Callbacks.onChange(r.body);
      if (action === 'take') App.announce('Calling ' + t.callerMask + ': your phone rings first.');
    });
  },
};

document.addEventListener('DOMContentLoaded', () => { Callbacks.start(); });
