// A minimal STOMP 1.2 client over a plain WebSocket: CONNECT (with the session's CSRF token), SUBSCRIBE,
// SEND, heart-beats, and automatic reconnection. Written here so the console needs nothing from the internet.
'use strict';

class StompLink {
  constructor(url, connectHeaders, { onConnected, onDisconnected } = {}) {
    this.url = url;
    this.connectHeaders = connectHeaders;
    this.onConnected = onConnected || (() => {});
    this.onDisconnected = onDisconnected || (() => {});
    this.subscriptions = new Map();
    this.nextId = 0;
    this.buffer = '';
    this.closedByUs = false;
    this.retry = 1000;
  }

  start() {
    this.ws = new WebSocket(this.url);
    this.ws.onopen = () => this.frame('CONNECT', Object.assign({ 'accept-version': '1.2', 'heart-beat': '10000,10000',
      host: location.hostname }, this.connectHeaders));
    this.ws.onmessage = (e) => this.receive(e.data);
    this.ws.onclose = () => {
      clearInterval(this.beat);
      this.connected = false;
      this.onDisconnected();
      if (!this.closedByUs) {
        setTimeout(() => this.start(), this.retry);
        this.retry = Math.min(this.retry * 2, 15000);
      }
    };
  }

  stop() {
    this.closedByUs = true;
    if (this.ws) this.ws.close();
  }

  subscribe(destination, handler) {
    const id = 'sub-' + (this.nextId++);
    this.subscriptions.set(id, { destination, handler });
    if (this.connected) this.frame('SUBSCRIBE', { id, destination });
    return id;
  }

  send(destination, body) {
    this.frame('SEND', { destination, 'content-type': 'application/json' }, JSON.stringify(body));
  }

  frame(command, headers, body = '') {
    let text = command + '\n';
    for (const [k, v] of Object.entries(headers)) text += k + ':' + String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/:/g, '\\c') + '\n';
    this.ws.send(text + '\n' + body + '\0');
  }

  receive(data) {
    this.buffer += data;
    let end;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const raw = this.buffer.slice(0, end).replace(/^\n+/, '');
      this.buffer = this.buffer.slice(end + 1);
      if (raw) this.handle(raw);
    }
    this.buffer = this.buffer.replace(/^\n+/, '');
  }

  handle(raw) {
    const split = raw.indexOf('\n\n');
    const head = (split >= 0 ? raw.slice(0, split) : raw).split('\n');
    const body = split >= 0 ? raw.slice(split + 2) : '';
    const command = head.shift();
    const headers = {};
    for (const line of head) {
      const i = line.indexOf(':');
      if (i > 0 && !(line.slice(0, i) in headers)) headers[line.slice(0, i)] = line.slice(i + 1);
    }
    if (command === 'CONNECTED') {
      this.connected = true;
      this.retry = 1000;
      this.beat = setInterval(() => this.ws.readyState === 1 && this.ws.send('\n'), 10000);
      for (const [id, s] of this.subscriptions) this.frame('SUBSCRIBE', { id, destination: s.destination });
      this.onConnected();
    } else if (command === 'MESSAGE') {
      const s = this.subscriptions.get(headers.subscription);
      if (s) s.handler(body ? JSON.parse(body) : null);
    } else if (command === 'ERROR') {
      console.warn('live channel refused:', headers.message);
    }
  }
}
