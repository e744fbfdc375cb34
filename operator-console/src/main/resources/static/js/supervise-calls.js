// Listening in on an operator's call from the supervisor's page (issue 20): on a row of an operator on a call,
// Listen (quiet), Coach (only the operator hears you) and Join (all three talk), and Stop. The server rings the
// supervisor's own phone onto the call; a refusal (the call is no longer talked on, no phone for you) is shown in
// its words. supervisor.js asks Supervise.cell(seat) for each operator's row.
'use strict';

const Supervise = {
  // The call this supervisor is on, and how: { call, mode, name }, or null.
  on: null,
  modes: [['LISTEN', 'Listen'], ['WHISPER', 'Coach'], ['JOIN', 'Join']],
  words: { LISTEN: 'You are listening in on the call of ', WHISPER: 'You are coaching ',
    JOIN: 'You are on the call of ' },

  cell(seat, name) {
    if (seat.presence !== 'ON_CALL' || !seat.call) {
      if (Supervise.on && Supervise.on.operator === seat.operator) Supervise.show(null);
      return '';
    }
    const mine = Supervise.on && Supervise.on.call === seat.call ? Supervise.on.mode : null;
    const buttons = Supervise.modes.map(([mode, label]) => App.el('button', {
      class: 'supervise-' + mode.toLowerCase() + (mine === mode ? ' primary' : ''),
      'aria-pressed': String(mine === mode),
      title: label + ' ' + name + "'s call",
      onclick: (e) => App.busy(e.target, () => Supervise.start(seat, name, mode)),
    }, label));
    if (mine) {
      buttons.push(App.el('button', { class: 'supervise-stop danger',
        onclick: (e) => App.busy(e.target, () => Supervise.stop()) }, 'Stop'));
    }
    return App.el('span', { class: 'supervise', 'data-call': seat.call }, ...buttons);
  },

  // A page opened again while its supervisor is on a call (reloaded, another tab) shows it and can stop it: the
  // call's timeline knows, not the page that started it.
  async restore(names) {
    const r = await App.api('GET', '/api/supervision/mine');
    if (!r.ok || !r.body.length || Supervise.on) return;
    const on = r.body[0];
    Supervise.show({ call: on.call, operator: on.operator, mode: on.mode, name: names[on.operator] || 'another user' });
  },

  async start(seat, name, mode) {
    if (Supervise.on && Supervise.on.call !== seat.call) await Supervise.stop();
    const r = await App.api('POST', '/api/supervision/calls/' + seat.call, { mode });
    if (!r.ok) { await App.tell('Could not listen in', r.body.message); return; }
    Supervise.show({ call: seat.call, operator: seat.operator, mode, name });
  },

  async stop() {
    if (!Supervise.on) return;
    const r = await App.api('DELETE', '/api/supervision/calls/' + Supervise.on.call);
    if (!r.ok) { await App.tell('Could not stop', r.body.message); return; }
    Supervise.show(null);
  },

  // The status line above the operators' table, and the buttons' pressed state, follow what the server said.
  show(on) {
    Supervise.on = on;
    const line = document.getElementById('supervising');
    if (line) {
      line.hidden = !on;
      line.textContent = on ? Supervise.words[on.mode] + on.name + '. Your phone rings: answer it to hear the call.'
        : '';
    }
    document.querySelectorAll('.supervise').forEach((span) => {
      const active = on && span.dataset.call === on.call ? on.mode : null;
      span.querySelectorAll('button').forEach((b) => {
        const mode = (b.className.match(/supervise-(listen|whisper|join)/) || [])[1];
        if (mode) {
          b.setAttribute('aria-pressed', String(active === mode.toUpperCase()));
          b.classList.toggle('primary', active === mode.toUpperCase());
        }
      });
      const stop = span.querySelector('.supervise-stop');
      if (active && !stop) {
        span.append(App.el('button', { class: 'supervise-stop danger',
          onclick: (e) => App.busy(e.target, () => Supervise.stop()) }, 'Stop'));
      } else if (!active && stop) {
        stop.remove();
      }
    });
  },
};
