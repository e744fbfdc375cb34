// What every page shares: who am I, JSON calls with the CSRF token, the live channel, safe text output.
'use strict';

const App = {
  me: null,
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
  async api(method, url, body) {
    const headers = { Accept: 'application/json' };
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

  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  },

  label(code) {
    return code === null || code === undefined ? '' : String(code).replace(/_/g, ' ').toLowerCase();
  },

  duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  },

  time(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
  },
};
