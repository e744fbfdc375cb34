// What every page shares: who am I, JSON calls with the CSRF token, the live channel, safe text output.
'use strict';

// ui.js (loaded first) defines App with labels, dates, dialogs and the rest that public pages share too.
Object.assign(App, {
  leaving: false,

  // The server ended the session (disabled, password or factors reset, idle or absolute limit): the sign-in form
  // says so, so that nobody takes it for a glitch and waits for calls on a console that gets none.
  sessionEnded() {
    location.href = '/login?ended';
  },

  async start() {
    const r = await fetch('/api/me', { headers: { Accept: 'application/json' } });
    if (r.status === 401) { App.sessionEnded(); return null; }
    App.me = await r.json();
    App.useJurisdiction(App.me.jurisdiction);
    await App.loadLabels();
    document.querySelectorAll('[data-me]').forEach((el) => { el.textContent = App.me.displayName; });
    document.querySelectorAll('form.logout').forEach((f) => {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = '_csrf'; i.value = App.me.csrf.token;
      f.appendChild(i);
      // A poll answered 401 while the sign-out is on its way would send the page to /login and hide the
      // "signed out" page the sign-out leads to.
      f.addEventListener('submit', () => { App.leaving = true; });
    });
    return App.me;
  },

  // Resolves to {ok, status, body}; never throws on HTTP errors so callers can show the server's message.
  // options.headers: more headers, e.g. { 'Idempotency-Key': App.newRequestKey() } on a create that must not repeat.
  async api(method, url, body, options = {}) {
    const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    headers[App.me.csrf.header] = App.me.csrf.token;
    try {
      const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (r.status === 401 && !App.leaving) { App.sessionEnded(); }
      const text = await r.text();
      return { ok: r.ok, status: r.status, body: text ? JSON.parse(text) : null };
    } catch (e) {
      return { ok: false, status: 0, body: { message: 'the server cannot be reached' } };
    }
  },

  live(handlers) {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    const headers = {};
    headers[App.me.csrf.header] = App.me.csrf.token;
    // A link closed by the server may mean the user was signed out (disabled, password reset): then the page
    // goes to the sign-in form at once instead of reconnecting for ever.
    const link = new StompLink(url, headers, Object.assign({}, handlers, {
      onDisconnected: () => {
        if (handlers.onDisconnected) handlers.onDisconnected();
        fetch('/api/me', { headers: { Accept: 'application/json' } }).then((r) => {
          if (r.status === 401 && !App.leaving) App.sessionEnded();
        }).catch(() => {});
      },
    }));
    link.start();
    return link;
  },
});
