// Enrolment and check of the second factor: what a half-signed-in user reaches after the password.
'use strict';

(async () => {
  const me = await App.start();
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const say = (text) => { $('factor-message').textContent = text || ''; };
  const show = (id) => ['verify', 'enrol', 'codes', 'done'].forEach((s) => { $(s).hidden = s !== id; });

  const status = (await App.api('GET', '/api/factors')).body;
  if (status.complete || (!status.required && (status.authenticatorApp || status.passkey))) {
    $('done-text').textContent = 'Your sign-in is complete. Recovery codes left: ' + status.recoveryCodesLeft + '.';
    show('done');
  } else if (status.authenticatorApp) {
    show('verify');
  } else if (status.required) {
    show('enrol');
  } else {
    $('done-text').textContent = 'Your role does not need a second factor.';
    show('done');
  }

  $('verify-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await App.api('POST', '/api/factors/totp/verify', { code: $('verify-code').value });
    if (r.ok) location.href = '/'; else say(r.body && r.body.message);
  });
  $('recovery-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await App.api('POST', '/api/factors/recovery', { code: $('recovery-code').value });
    if (r.ok) location.href = '/'; else say(r.body && r.body.message);
  });
  $('totp-start').addEventListener('click', async () => {
    const r = await App.api('POST', '/api/factors/totp');
    if (!r.ok) { say(r.body && r.body.message); return; }
    $('totp-secret').textContent = r.body.secret.replace(/(.{4})/g, '$1 ').trim();
    $('totp-uri').href = r.body.otpauthUri;
    $('totp-setup').hidden = false;
  });
  $('confirm-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await App.api('POST', '/api/factors/totp/confirm', { code: $('confirm-code').value });
    if (!r.ok) { say(r.body && r.body.message); return; }
    say('');
    const list = $('recovery-codes');
    r.body.recoveryCodes.forEach((c) => list.append(App.el('li', {}, App.el('code', {}, c))));
    show('codes');
  });
})();
