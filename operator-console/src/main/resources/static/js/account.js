// One's own account: change the password with the current one. A user who signed in with a one-time password is
// held here (by the server) until they have chosen their own.
'use strict';

const $ = (id) => document.getElementById(id);

async function init() {
  if (!await App.start()) return;
  const account = (await App.api('GET', '/api/account')).body;
  $('who').textContent = 'Signed in as ' + account.username + ' · ' + account.roleName;
  $('username').value = account.username;
  $('next-hint').textContent = 'At least ' + account.passwordMinLength + ' characters (up to '
    + account.passwordMaxLength + '). A few unrelated words make a good one; no symbols or digits are required. '
    + 'Common and breached passwords are refused.';
  $('first-time').hidden = !account.mustChangePassword;
  $('home').hidden = account.mustChangePassword;
  $('change').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('change-status');
    if ($('next').value !== $('repeat').value) {
      status.textContent = 'The two new passwords differ.'; status.className = 'field-status error'; return;
    }
    const r = await App.api('POST', '/api/account/password', { current: $('current').value, next: $('next').value });
    status.textContent = r.ok ? 'Password changed.' : r.body.message;
    status.className = 'field-status ' + (r.ok ? 'saved' : 'error');
    if (r.ok) {
      $('change').reset();
      if (account.mustChangePassword) location.href = '/';
    }
  });
}

init();
