// The ringing caller's earlier contacts and the supervisors' flags on them, under the screen pop, so the operator
// never asks twice for what the caller already told. Fetched (not pushed with the pop): the server checks that this
// operator is the one the call rings at and audits the read. console.js calls CallerHistory.show after each pop.
'use strict';

const CallerHistory = {
  shownFor: null,

  async show(callId) {
    CallerHistory.shownFor = callId;
    const box = App.el('section', { id: 'caller-history', class: 'caller-history', 'aria-label': 'This caller before',
      'aria-busy': 'true' }, App.el('p', { class: 'muted' }, 'Looking up earlier contacts…'));
    document.getElementById('pop').append(box);
    const r = await App.api('GET', '/api/calls/' + encodeURIComponent(callId) + '/earlier-contacts');
    // Another call may have popped meanwhile: this answer is not about it.
    if (CallerHistory.shownFor !== callId || !box.isConnected) return;
    box.removeAttribute('aria-busy');
    if (!r.ok) {
      box.replaceChildren(App.el('p', { class: 'muted' }, 'Earlier contacts could not be shown: ' + r.body.message));
      return;
    }
    box.replaceChildren(...CallerHistory.flags(r.body.flags), ...CallerHistory.contacts(r.body));
    if (r.body.flags.length) {
      App.announce('This caller is flagged: ' + r.body.flags.map((f) => App.label(f.kind, 'flag')).join(', '), true);
    }
  },

  // Flags first and loud: an operator must not miss "risk: high".
  flags(flags) {
    return flags.map((f) => App.el('div', { class: 'banner danger caller-flag', role: 'note' },
      App.el('strong', {}, 'Flag: ' + App.label(f.kind, 'flag')),
      ' · set by ' + f.setBy + ' on ' + App.time(f.setAt) + ', until ' + App.time(f.expiresAt),
      f.note ? App.el('div', { class: 'long-text' }, 'Note: ' + f.note) : ''));
  },

  contacts(h) {
    const heading = App.el('h3', {}, h.total === 0 ? 'No earlier contact from this number'
      : 'Earlier contacts from this number (' + h.total + (h.total > h.contacts.length ? ', newest '
        + h.contacts.length + ' shown' : '') + ')');
    if (!h.contacts.length) return [heading];
    const list = App.el('ol', { class: 'earlier-contacts' }, ...h.contacts.map((c) => App.el('li', { class: 'earlier' },
      App.el('div', {}, App.el('strong', {}, App.time(c.arrivedAt)), ' · ', CallerHistory.channel(c), ' · ',
        App.el('span', { class: 'earlier-outcome' }, App.label(c.outcome || c.state)),
        c.operatorName ? ' · taken by ' + c.operatorName : ' · no operator',
        c.caseReference ? App.el('span', { class: 'badge case-ref' }, 'Case ' + c.caseReference) : ''),
      App.el('div', { class: 'long-text earlier-summary' + (c.summary ? '' : ' muted') }, c.summary
        ? 'Summary: ' + c.summary : CallerHistory.noSummary(c)))));
    return [heading, list];
  },

  channel(c) {
    const how = App.label(c.direction);
    return c.direction === 'OFFLINE' ? how : how + ' (' + App.label(c.provider, 'provider') + ')';
  },

  noSummary(c) {
    if (!c.reportStatus) return 'No report (nobody took the call).';
    return c.reportStatus === 'DRAFT' ? 'Report not submitted yet; no summary.' : 'No summary was written.';
  },
};
