// The data management leader's retention page: batches proposed for erasure, in words, to approve or reject.
'use strict';

(async () => {
  if (!await App.start()) return;
  const $ = (id) => document.getElementById(id);
  let again = null;

  const outcome = (b) => {
    switch (b.status) {
      case 'APPROVED': return 'Being erased: ' + (b.records - b.remaining) + ' of ' + b.records + ' done.';
      case 'DONE': return b.erased + ' erased' + (b.skipped ? ', ' + b.skipped + ' kept as no longer under the rule'
        : '') + ' (finished ' + App.time(b.finishedAt) + ').';
      case 'REJECTED': return 'Nothing erased. Reason: ' + (b.note || '');
      default: return '';
    }
  };

  async function decide(b, decision) {
    let body = {};
    if (decision === 'approve') {
      const sure = await App.confirm('Approve the erasure?', b.sentence + ' ' + b.erasure.charAt(0).toUpperCase()
        + b.erasure.slice(1) + '. This cannot be undone.', 'Approve deletion', true);
      if (!sure) return;
    } else {
      const note = await App.ask('Reject the erasure?', b.sentence,
        { label: 'Why are these records kept?', multiline: true, okLabel: 'Reject', danger: false });
      if (note === null) return;
      body = { note };
    }
    const r = await App.api('POST', '/api/retention/batches/' + b.id + '/' + decision, body);
    if (!r.ok) {
      $('retention-message').textContent = 'Not done: ' + ((r.body && r.body.message) || ('error ' + r.status)) + '.';
      return;
    }
    App.announce(decision === 'approve' ? 'Approved: the records are being erased' : 'Rejected: nothing is erased');
    await load();
  }

  async function load() {
    const r = await App.api('GET', '/api/retention');
    if (!r.ok) {
      $('retention-message').textContent = 'The retention batches could not be read (' + r.status + ').';
      return;
    }
    $('rules').replaceChildren(...r.body.rules.map((line) => App.el('li', {}, line)));
    const proposed = r.body.batches.filter((b) => b.status === 'PROPOSED');
    if (proposed.length === 0) {
      $('proposed').replaceChildren(App.el('li', {}, 'Nothing is waiting for a decision.'));
    } else {
      $('proposed').replaceChildren(...proposed.map((b) => {
        const approve = App.el('button', { type: 'button', class: 'approve danger' }, 'Approve deletion');
        const reject = App.el('button', { type: 'button', class: 'reject' }, 'Reject');
        approve.addEventListener('click', () => App.busy(approve, () => decide(b, 'approve')));
        reject.addEventListener('click', () => App.busy(reject, () => decide(b, 'reject')));
        return App.el('li', { class: 'retention-batch' },
          App.el('p', {}, App.el('strong', {}, b.sentence)),
          App.el('p', { class: 'muted' }, 'If approved, ' + b.erasure + '. Proposed ' + App.time(b.proposedAt) + '.'),
          App.el('p', { class: 'actions' }, approve, ' ', reject));
      }));
    }
    const decided = r.body.batches.filter((b) => b.status !== 'PROPOSED');
    if (decided.length === 0) {
      $('decided').replaceChildren(App.el('tr', {}, App.el('td', { colspan: '4' }, 'No batch decided yet.')));
    } else {
      $('decided').replaceChildren(...decided.map((b) => App.el('tr', {},
        App.el('td', {}, b.sentence),
        App.el('td', {}, App.time(b.proposedAt)),
        App.el('td', {}, (b.status === 'REJECTED' ? 'Rejected by ' : 'Approved by ') + (b.decidedByName || '')
          + ', ' + App.time(b.decidedAt)),
        App.el('td', {}, outcome(b)))));
    }
    // An approved batch is erased in the background: look again until it is done.
    clearTimeout(again);
    if (decided.some((b) => b.status === 'APPROVED')) again = setTimeout(load, 3000);
  }

  await load();
})();
