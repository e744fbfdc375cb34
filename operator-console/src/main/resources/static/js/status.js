// The administrators' system status: one screen, refreshed every 30 seconds while it is open.
'use strict';

(async () => {
  if (!await App.start()) return;
  const $ = (id) => document.getElementById(id);
  const row = (...cells) => App.el('tr', {}, cells.map((c) => App.el('td', {}, c)));
  const empty = (body, columns, text) => body.replaceChildren(
    App.el('tr', {}, App.el('td', { colspan: String(columns) }, text)));

  // An ISO-8601 period from the server ("PT15M") in words ("15 minutes").
  const period = (iso) => {
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso || '');
    if (!m) return iso;
    const parts = [[m[1], 'hour'], [m[2], 'minute'], [m[3], 'second']].filter(([n]) => n)
      .map(([n, unit]) => n + ' ' + unit + (n === '1' ? '' : 's'));
    return parts.join(' ');
  };

  async function refresh() {
    const r = await App.api('GET', '/api/admin/status');
    if (!r.ok) { $('status-message').textContent = 'The status could not be read (' + r.status + ').'; return; }
    const s = r.body;
    $('status-message').textContent = 'As of ' + App.time(s.at) + '.';

    if (s.telephony.length === 0) empty($('telephony'), 4, 'No telephony link is switched on.');
    else $('telephony').replaceChildren(...s.telephony.map((l) =>
      row(l.name, l.up ? 'Working' : 'Down', App.time(l.since), l.detail || '')));

    $('database').textContent = s.database.up
      ? 'Working (schema version ' + s.database.schemaVersion + '). The application connects as '
        + s.database.role + (s.database.leastPrivilege ? ', a role that owns nothing.'
          : ': least privilege is NOT in force, because ' + s.database.roleProblem + '.')
      : 'Down: ' + s.database.detail + '.';

    if (s.alertChannels.length === 0) empty($('alerts'), 4, 'No alert channel is configured.');
    else $('alerts').replaceChildren(...s.alertChannels.map((c) => row(c.owner,
      App.label(c.kind) + ' (' + c.position + ')',
      c.lastFailureAt ? App.time(c.lastFailureAt) : 'No failure', c.lastFailure || '')));

    // Which keys are in use is said once, in the rotation's sentences below; here only what is held.
    $('keys').textContent = 'Keys held: ' + s.keys.ids.join(', ') + ' to encrypt personal data; '
      + s.keys.hashIds.join(', ') + ' to match caller numbers.';
    // The server words where the rotation stands: counts of rows, which keys can be retired.
    $('key-rotation').replaceChildren(...s.keyRotation.sentences.map((line) => App.el('li', {}, line)));

    const a = s.auditChain;
    $('audit-progress').textContent = a.unknown ? 'Where the sealing stands could not be read.'
      : (a.lastEntry < 0 ? 'Nothing sealed yet.'
        : 'Sealed up to entry ' + a.lastEntry.toLocaleString('en') + ', last on ' + App.time(a.lastSealedAt) + '.')
        + ' ' + (a.waiting === 0 ? 'No row is waiting to be sealed.'
          : a.waiting.toLocaleString('en') + (a.waiting === 1 ? ' row is' : ' rows are') + ' waiting to be sealed.');

    const f = s.signInFailures;
    $('signin-window').textContent = 'Usernames and addresses with at least ' + f.atLeast
      + ' failed or refused sign-ins in the last ' + period(f.window) + '.';
    if (f.byUsername.length === 0) empty($('signin-users'), 4, 'None.');
    else $('signin-users').replaceChildren(...f.byUsername.map((u) => row(u.key, u.failures, u.others, App.time(u.last))));
    if (f.byAddress.length === 0) empty($('signin-addresses'), 4, 'None.');
    else $('signin-addresses').replaceChildren(...f.byAddress.map((a) => row(a.key, a.failures, a.others, App.time(a.last))));
  }

  // The audit trail's check, on demand: in words, the first problem first.
  $('audit-check').addEventListener('click', async () => {
    const button = $('audit-check');
    button.disabled = true;
    $('audit-findings').replaceChildren();
    $('audit-result').className = '';
    $('audit-result').textContent = 'Checking the audit trail…';
    const r = await App.api('POST', '/api/admin/audit-check');
    button.disabled = false;
    if (!r.ok) {
      $('audit-result').textContent = 'The audit trail could not be checked: '
        + ((r.body && r.body.message) || ('the server answered ' + r.status)) + '.';
      return;
    }
    $('audit-result').className = 'banner ' + (r.body.intact ? 'ok' : 'danger');
    $('audit-result').textContent = r.body.summary;
    if (!r.body.intact) {
      $('audit-findings').replaceChildren(...r.body.findings.map((f) => App.el('li', {}, f.words)));
    }
  });

  await refresh();
  setInterval(refresh, 30000);
})();
