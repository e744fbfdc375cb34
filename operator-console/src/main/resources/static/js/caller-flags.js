// Supervisors' flags on callers (issue 18, repeat callers): the flags in force with a way to lift one early, and a
// form in a call's detail to flag its caller for a set time. The flag shows on the pop of the caller's next calls.
// supervisor.js calls CallerFlags.load() once signed in and CallerFlags.forCall(call) when it opens a call's detail.
'use strict';

const CallerFlags = {
  KINDS: ['ABUSIVE', 'HIGH_RISK', 'PRANK'],
  DAYS: [[1, 'One day'], [7, 'One week'], [30, '30 days'], [90, '90 days'], [365, 'One year (the longest)']],

  async load() {
    const r = await App.api('GET', '/api/caller-flags');
    const body = document.getElementById('caller-flags');
    if (!r.ok) { body.replaceChildren(CallerFlags.row(r.body.message)); return; }
    document.getElementById('caller-flags-card').hidden = false;
    body.replaceChildren(...(r.body.length ? r.body.map((f) => App.el('tr', { id: 'flag-' + f.id, class: 'caller-flag' },
      App.el('td', {}, f.callerMask), App.el('td', {}, App.el('strong', {}, App.label(f.kind, 'flag'))),
      App.el('td', { class: 'long-text' }, f.note || ''), App.el('td', {}, f.setBy + ', ' + App.time(f.setAt)),
      App.el('td', {}, App.time(f.expiresAt)),
      App.el('td', {}, App.el('button', { type: 'button', class: 'lift-flag',
        onclick: (e) => CallerFlags.lift(f, e.currentTarget) }, 'Lift now')))) : [CallerFlags.row('None')]));
  },

  row(text) {
    return App.el('tr', {}, App.el('td', { colspan: 6, class: 'muted' }, text));
  },

  async lift(f, button) {
    const sure = await App.confirm('Lift this flag?', App.label(f.kind, 'flag') + ' on the caller ' + f.callerMask
      + ' ends now instead of ' + App.time(f.expiresAt) + '. Operators stop seeing it on this caller\'s calls.',
    'Lift the flag');
    if (!sure) return;
    await App.busy(button, async () => {
      const r = await App.api('POST', '/api/caller-flags/' + encodeURIComponent(f.id) + '/lift');
      if (!r.ok) { await App.tell('The flag was not lifted', r.body.message); return; }
      App.announce('Flag lifted.');
      await CallerFlags.load();
    });
  },

  // The form under a call's detail: what kind, for how long, an optional note.
  forCall(call) {
    const kind = App.el('select', { id: 'flag-kind' }, ...CallerFlags.KINDS.map((k) =>
      App.el('option', { value: k }, App.label(k, 'flag'))));
    const days = App.el('select', { id: 'flag-days' }, ...CallerFlags.DAYS.map(([d, words]) =>
      App.el('option', { value: d, selected: d === 30 }, words)));
    const note = App.el('input', { id: 'flag-note', type: 'text', maxlength: '300' });
    const status = App.el('span', { id: 'flag-status', class: 'field-status', role: 'status' });
    const button = App.el('button', { type: 'submit', class: 'primary', id: 'flag-set' }, 'Flag this caller');
    const form = App.el('form', { class: 'flag-form' },
      App.el('label', { for: 'flag-kind' }, 'Flag'), kind,
      App.el('label', { for: 'flag-days' }, 'For'), days,
      App.el('label', { for: 'flag-note' }, 'Note for the operators (optional, kept encrypted)'), note,
      App.el('p', {}, button, ' ', status));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      App.busy(button, async () => {
        CallerFlags.key = CallerFlags.key || App.newRequestKey();
        const r = await App.api('POST', '/api/calls/' + encodeURIComponent(call) + '/caller-flags',
          { kind: kind.value, days: Number(days.value), note: note.value || null },
          { headers: { 'Idempotency-Key': CallerFlags.key } });
        if (r.ok || r.status < 500) CallerFlags.key = null;
        status.className = 'field-status' + (r.ok ? '' : ' error');
        status.textContent = r.ok ? 'Flagged until ' + App.time(r.body.expiresAt) : r.body.message;
        if (r.ok) { note.value = ''; await CallerFlags.load(); }
      });
    });
    document.getElementById('flag-caller').replaceChildren(App.el('h3', {}, 'Flag this caller'),
      App.el('p', { class: 'muted' }, 'Operators see the flag on this number\'s next calls until it ends.'), form);
  },
};
