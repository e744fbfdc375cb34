// Enrolment and check of the second factor: what a half-signed-in user reaches after the password.
'use strict';

// Spring Security's WebAuthn endpoints speak base64url where the browser's API wants bytes.
const Passkey = {
  bytes(text) {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  },
  text(buffer) {
    return btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/=/g, '').replace(/\+/g, '-')
      .replace(/\//g, '_');
  },
  // What the browser says when the person cancels or the key is not there, in words for them.
  problem(e) {
    return e && e.name === 'NotAllowedError'
      ? 'The passkey was not used (cancelled or timed out). Try again.'
      : 'This browser could not use a passkey here. Try again, or use an authenticator app.';
  },

  // Returns {ok, body} as App.api does; body.recoveryCodes when this was the user's first factor.
  async add() {
    const options = await App.api('POST', '/webauthn/register/options');
    if (!options.ok) return options;
    const o = options.body;
    let made;
    try {
      made = await navigator.credentials.create({ publicKey: Object.assign({}, o, {
        user: Object.assign({}, o.user, { id: Passkey.bytes(o.user.id) }),
        challenge: Passkey.bytes(o.challenge),
        excludeCredentials: (o.excludeCredentials || []).map((c) => Object.assign({}, c, { id: Passkey.bytes(c.id) })),
      }) });
    } catch (e) {
      return { ok: false, body: { message: Passkey.problem(e) } };
    }
    return App.api('POST', '/webauthn/register', { publicKey: { label: 'Passkey added ' + new Date().toISOString()
      .slice(0, 10), credential: {
      id: made.id,
      rawId: Passkey.text(made.rawId),
      response: {
        attestationObject: Passkey.text(made.response.attestationObject),
        clientDataJSON: Passkey.text(made.response.clientDataJSON),
        transports: made.response.getTransports ? made.response.getTransports() : [],
      },
      type: made.type,
      clientExtensionResults: made.getClientExtensionResults(),
      authenticatorAttachment: made.authenticatorAttachment,
    } } });
  },

  async use() {
    const options = await App.api('POST', '/webauthn/authenticate/options');
    if (!options.ok) return options;
    const o = options.body;
    let used;
    try {
      used = await navigator.credentials.get({ publicKey: Object.assign({}, o, {
        challenge: Passkey.bytes(o.challenge),
        allowCredentials: (o.allowCredentials || []).map((c) => Object.assign({}, c, { id: Passkey.bytes(c.id) })),
      }) });
    } catch (e) {
      return { ok: false, body: { message: Passkey.problem(e) } };
    }
    // Not App.api: a passkey refused here answers 401, which must not look like a lost session.
    const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    headers[App.me.csrf.header] = App.me.csrf.token;
    const r = await fetch('/login/webauthn', { method: 'POST', headers, body: JSON.stringify({
      id: used.id,
      rawId: Passkey.text(used.rawId),
      response: {
        authenticatorData: Passkey.text(used.response.authenticatorData),
        clientDataJSON: Passkey.text(used.response.clientDataJSON),
        signature: Passkey.text(used.response.signature),
        userHandle: used.response.userHandle ? Passkey.text(used.response.userHandle) : undefined,
      },
      credType: used.type,
      clientExtensionResults: used.getClientExtensionResults(),
      authenticatorAttachment: used.authenticatorAttachment,
    }) }).catch(() => ({ ok: false }));
    return r.ok ? { ok: true } : { ok: false, body: { message: 'That passkey was not accepted. Use the passkey you added'
      + ' for this account, or a recovery code.' } };
  },
};

(async () => {
  const me = await App.start();
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const say = (text) => { $('factor-message').textContent = text || ''; };
  const show = (id) => ['verify', 'enrol', 'codes', 'done'].forEach((s) => { $(s).hidden = s !== id; });
  let afterCodes = () => { location.href = '/'; };

  const status = (await App.api('GET', '/api/factors')).body;
  if (status.complete || (!status.required && (status.authenticatorApp || status.passkey))) {
    $('done-text').textContent = 'Your sign-in is complete. Recovery codes left: ' + status.recoveryCodesLeft + '.';
    show('done');
  } else if (status.authenticatorApp || status.passkey) {
    $('verify-passkey').hidden = !status.passkey;
    $('verify-app').hidden = !status.authenticatorApp;
    show('verify');
  } else if (status.required) {
    show('enrol');
  } else {
    $('done-text').textContent = 'Your role does not need a second factor.';
    show('done');
  }

  const usePasskey = async () => {
    say('');
    const r = await Passkey.use();
    if (r.ok) location.href = '/'; else say(r.body && r.body.message);
  };
  $('passkey-use').addEventListener('click', usePasskey);
  $('passkey-add').addEventListener('click', async () => {
    say('');
    const r = await Passkey.add();
    if (!r.ok) { say(r.body && r.body.message); return; }
    // The passkey is added; using it once finishes this sign-in (after the recovery codes, if these are the first).
    afterCodes = usePasskey;
    if (r.body.recoveryCodes && r.body.recoveryCodes.length) {
      const list = $('recovery-codes');
      r.body.recoveryCodes.forEach((c) => list.append(App.el('li', {}, App.el('code', {}, c))));
      show('codes');
    } else {
      $('verify-passkey').hidden = false;
      $('verify-app').hidden = true;
      show('verify');
    }
  });
  $('continue').addEventListener('click', () => afterCodes());

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
