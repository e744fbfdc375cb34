// Every supervisor's screen raises the alarm when an urgent call waits with nobody available to take it (issue 17):
// a banner at the top of the page, a sound of its own in a loop until someone silences it, a desktop notification
// where the browser allows one, the page title. The server raises it once per call after the configured delay and
// clears it when the call is answered or ends. Nothing personal: how long an urgent call has waited, no number.
// Self-contained (one script tag on the supervisor's page): it opens its own live link once the page has signed in.
'use strict';

const FloorAlarm = {
  alarms: new Map(),
  silenced: new Set(),
  banner: null,
  tone: null,
  ticker: null,
  homeTitle: document.title,

  async start() {
    // The page's own script signs in (App.start); this one only needs who is signed in and the CSRF token.
    while (!App.me) await new Promise((resolve) => { setTimeout(resolve, 100); });
    FloorAlarm.homeTitle = document.title;
    FloorAlarm.tone = App.el('audio', { id: 'floor-alarm-tone', src: '/sounds/alarm.wav', loop: true, preload: 'auto' });
    FloorAlarm.banner = App.el('div', { id: 'floor-alarm', class: 'banner danger', role: 'alert', hidden: true },
      App.el('ul', { id: 'floor-alarm-list' }),
      App.el('span', { class: 'actions' },
        App.el('button', { id: 'floor-alarm-silence', onclick: FloorAlarm.silence }, 'Silence the alarm')));
    const header = document.querySelector('header');
    header.after(FloorAlarm.banner);
    document.body.append(FloorAlarm.tone);
    const link = App.live({});
    link.subscribe('/topic/supervisor/alarms', FloorAlarm.onMessage);
    const open = await App.api('GET', '/api/live/alarms');
    if (open.ok) open.body.forEach((a) => FloorAlarm.raise(a, false));
  },

  onMessage(m) {
    if (m.event === 'Raised') FloorAlarm.raise(m, true);
    else if (m.event === 'Cleared') FloorAlarm.clear(m.call);
  },

  // fresh: raised just now (a notification goes out); otherwise one already standing when the page opened.
  raise(alarm, fresh) {
    if (FloorAlarm.alarms.has(alarm.call)) return;
    FloorAlarm.alarms.set(alarm.call, { waitedSeconds: alarm.waitedSeconds, seenAt: Date.now() });
    if (fresh && 'Notification' in window && Notification.permission === 'granted') {
      try {
        new Notification('Urgent call waiting', { tag: 'floor-alarm-' + alarm.call, requireInteraction: true,
          body: 'No operator is available to take it. Open the supervisor\'s page.' });
      } catch (e) { /* the page sounds and shows it anyway */ }
    }
    App.announce('An urgent call is waiting and no operator is available to take it.', true);
    FloorAlarm.show();
  },

  clear(call) {
    FloorAlarm.alarms.delete(call);
    FloorAlarm.silenced.delete(call);
    FloorAlarm.show();
  },

  silence() {
    FloorAlarm.alarms.forEach((a, call) => FloorAlarm.silenced.add(call));
    FloorAlarm.show();
  },

  show() {
    const standing = [...FloorAlarm.alarms.entries()];
    FloorAlarm.banner.hidden = standing.length === 0;
    clearInterval(FloorAlarm.ticker);
    FloorAlarm.ticker = null;
    if (!standing.length) {
      FloorAlarm.tone.pause();
      document.title = FloorAlarm.homeTitle;
      return;
    }
    FloorAlarm.render();
    FloorAlarm.ticker = setInterval(FloorAlarm.render, 1000);
    document.title = '⚠ Urgent call waiting · ' + FloorAlarm.homeTitle;
    const loud = standing.some(([call]) => !FloorAlarm.silenced.has(call));
    document.getElementById('floor-alarm-silence').hidden = !loud;
    if (loud && FloorAlarm.tone.paused) {
      FloorAlarm.tone.currentTime = 0;
      const played = FloorAlarm.tone.play();
      if (played && played.catch) played.catch(() => { /* the banner stays; the browser wants a click first */ });
    } else if (!loud) {
      FloorAlarm.tone.pause();
    }
  },

  render() {
    document.getElementById('floor-alarm-list').replaceChildren(...[...FloorAlarm.alarms.values()].map((a) =>
      App.el('li', {}, 'An urgent call has waited ' + App.duration(a.waitedSeconds + (Date.now() - a.seenAt) / 1000)
        + ' and no operator is available to take it.')));
  },
};

FloorAlarm.start();
