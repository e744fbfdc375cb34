// The browser phone of an operator on a Twilio number: a Twilio Voice SDK Device registered with a short-lived
// token from our server (GET /api/twilio/token), renewed before it expires. The adapter rings the operator's
// identity; the console's Answer and Hang up buttons then act on that call. Without Twilio, or for an operator
// rung on a phone number, nothing happens here.
'use strict';

const Softphone = {
  device: null,
  call: null,
  state: 'off',
  sdkUrl: '/vendor/twilio-voice-sdk/twilio.min.js',

  async start() {
    const first = await Softphone.token();
    if (!first || first.ringsPhone) return;
    try {
      await Softphone.loadSdk();
    } catch (e) {
      Softphone.show('error', 'Browser phone unavailable: the Twilio Voice SDK is not installed with this console.');
      return;
    }
    const device = new Twilio.Device(first.token, { closeProtection: true, codecPreferences: ['opus', 'pcmu'] });
    Softphone.device = device;
    device.on('registered', () => Softphone.show('ready', 'Browser phone ready.'));
    device.on('unregistered', () => Softphone.show('off', 'Browser phone not registered.'));
    // Never the error's details on screen: they can quote identities and call SIDs.
    device.on('error', (e) => Softphone.show('error', 'Browser phone error ' + (e && e.code ? e.code : '') +
      '; trying again.'));
    device.on('tokenWillExpire', async () => {
      const next = await Softphone.token();
      if (next) device.updateToken(next.token);
    });
    device.on('incoming', (call) => {
      Softphone.call = call;
      call.on('disconnect', () => { Softphone.call = null; Softphone.buttons(); });
      call.on('cancel', () => { Softphone.call = null; Softphone.buttons(); });
      Softphone.buttons();
    });
    Softphone.show('registering', 'Browser phone connecting…');
    device.register().catch(() => Softphone.show('error', 'Browser phone could not connect; trying again.'));
  },

  async token() {
    const r = await App.api('GET', '/api/twilio/token');
    if (r.status === 503) Softphone.show('error', r.body.message);
    return r.ok ? r.body : null;
  },

  loadSdk() {
    if (window.Twilio && window.Twilio.Device) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = Softphone.sdkUrl;
      s.onload = () => (window.Twilio && window.Twilio.Device ? resolve() : reject(new Error('no Twilio.Device')));
      s.onerror = reject;
      document.head.append(s);
    });
  },

  // Whether the console's buttons act on a browser call now.
  handles(provider) {
    return provider === 'twilio' && Softphone.call !== null;
  },

  answer() {
    if (Softphone.call) Softphone.call.accept();
    Softphone.buttons();
  },

  hangUp() {
    if (Softphone.call) Softphone.call.disconnect();
  },

  buttons() {
    const c = Softphone.call;
    if (!document.getElementById('answer')) return;
    const ringing = c !== null && c.status() === 'pending';
    const open = c !== null && c.status() === 'open';
    if (c !== null || (Console.call && Console.call.provider === 'twilio')) {
      document.getElementById('answer').hidden = !ringing;
      document.getElementById('hangup').hidden = !open && !ringing;
    }
  },

  show(state, text) {
    Softphone.state = state;
    const el = document.getElementById('softphone');
    if (!el) return;
    el.hidden = false;
    el.className = 'softphone-' + state;
    el.textContent = text;
  },
};
