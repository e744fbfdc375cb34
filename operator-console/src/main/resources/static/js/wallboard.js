// The floor's wallboard (issue 20): what a supervisor or a wall display reads from across the room. Figures come
// from GET /api/floor once, then live from /topic/floor.figures (every kind of interval in each message: choosing
// another interval shows the last message's figures at once). No polling: the clocks on the page (longest wait,
// time in state) tick from the instants the server sent. The floor's alerts come the same way
// (/api/floor/alerts, /topic/floor.alerts). Staff data only: operators' names, counts and times, never a caller.
'use strict';

const Board = {
  kind: localStorage.getItem('wallboard.interval') || 'QUARTER',
  update: null,
  // Server time minus this browser's: the page's ticking clocks count from the server's instants.
  skew: 0,
  alerts: [],
  // How often the live link connected: more than once means a node restarted (or the link broke) and the page
  // read the floor afresh.
  connects: 0,
};
const KINDS = ['QUARTER', 'HOUR', 'SHIFT', 'DAY'];
const KIND_WORDS = { QUARTER: '15 minutes', HOUR: 'hour', SHIFT: 'shift', DAY: 'day' };
// The order of the operators' groups on the board, with their words (the labels say the presence in words).
const GROUPS = ['AVAILABLE', 'RINGING', 'ON_CALL', 'WRAP_UP', 'AWAY', 'PHONE_NOT_CONNECTED'];
// The page renews its session while it is open (the wall display's long session, SessionLimits): one request now
// and then, which is not a poll of the figures.
const RENEW_EVERY_MS = 10 * 60 * 1000;
const $ = (id) => document.getElementById(id);

async function init() {
  if (!await App.start()) return;
  if (!KINDS.includes(Board.kind)) Board.kind = 'QUARTER';
  document.querySelectorAll('#interval-choice button').forEach((b) => {
    b.addEventListener('click', () => choose(b.dataset.kind));
  });
  $('fullscreen').addEventListener('click', toggleFullscreen);
  document.addEventListener('fullscreenchange', () => {
    $('fullscreen').textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
  });
  const link = App.live({
    onConnected: () => {
      Board.connects += 1;
      $('link-status').textContent = 'live';
      if (Board.connects > 1) refresh();
    },
    onDisconnected: () => { $('link-status').textContent = 'reconnecting…'; },
  });
  link.subscribe('/topic/floor.figures', (u) => show(u));
  link.subscribe('/topic/floor.alerts', (a) => showAlerts(a.alerts || []));
  await refresh();
  setInterval(tick, 1000);
  setInterval(() => fetch('/api/me', { headers: { Accept: 'application/json' } }).then((r) => {
    if (r.status === 401 && !App.leaving) App.sessionEnded();
  }).catch(() => {}), RENEW_EVERY_MS);
}

// The whole floor once: at the start and after the live link came back (a node restarted, messages were missed).
async function refresh() {
  const r = await App.api('GET', '/api/floor?interval=' + Board.kind);
  if (r.ok) {
    // The answer holds one interval; the next live message brings all four.
    const intervals = Board.update ? Board.update.intervals.filter((i) => i.kind !== r.body.interval.kind) : [];
    show({ now: r.body.now, intervals: intervals.concat([r.body.interval]) });
  }
  const a = await App.api('GET', '/api/floor/alerts');
  if (a.ok) showAlerts(a.body.alerts || []);
}

function choose(kind) {
  Board.kind = kind;
  localStorage.setItem('wallboard.interval', kind);
  if (!Board.update || !Board.update.intervals.some((i) => i.kind === kind)) refresh();
  render();
}

function show(update) {
  Board.update = update;
  Board.skew = new Date(update.now.at).getTime() - Date.now();
  render();
}

const serverNow = () => Date.now() + Board.skew;
const secondsSince = (iso) => (serverNow() - new Date(iso).getTime()) / 1000;
const set = (id, text) => { $(id).textContent = text; };

function render() {
  document.querySelectorAll('#interval-choice button').forEach((b) => {
    b.setAttribute('aria-pressed', String(b.dataset.kind === Board.kind));
  });
  set('interval-kind', KIND_WORDS[Board.kind]);
  if (!Board.update) return;
  const now = Board.update.now;
  set('waiting', now.waiting);
  set('urgent-waiting', now.urgentWaiting);
  set('in-ivr', now.inIvr);
  $('tile-urgent').classList.toggle('bad', now.urgentWaiting > 0);
  const interval = Board.update.intervals.find((i) => i.kind === Board.kind);
  if (interval) showInterval(interval);
  showOperators(now.operators);
  tick();
}

function showInterval(interval) {
  const f = interval.figures;
  set('interval-label', interval.label);
  set('offered', f.offered);
  set('answered', f.answered);
  set('abandoned', f.abandonedInIvr + f.abandonedInQueue + f.abandonedRinging);
  set('abandoned-detail', f.abandonedInIvr + ' in the menu · ' + f.abandonedInQueue + ' waiting · '
    + f.abandonedRinging + ' while ringing');
  set('short-abandons', f.shortAbandons);
  // The limit is a setting (hotline.floor.short-abandon): the wall says which one it counts by.
  set('short-abandons-caption', 'hung up within ' + f.shortAbandonSeconds + ' s (counted apart, not in the service level)');
  level('first', f.serviceLevelFirst);
  level('second', f.serviceLevelSecond);
  set('asa', f.averageSpeedOfAnswerMs == null ? '–' : App.duration(f.averageSpeedOfAnswerMs / 1000));
  set('asa-p90', f.speedOfAnswerP90Ms == null ? '' : '9 in 10 within ' + App.duration(f.speedOfAnswerP90Ms / 1000));
  set('aht', f.averageHandlingMs == null ? '–' : App.duration(f.averageHandlingMs / 1000));
  set('escalations', f.escalationsRaised);
  set('escalations-detail', f.escalationsAcknowledgedInTime + ' acknowledged in time');
}

// A service level against its target: the figure in percent, green when it meets the target, red when not.
function level(which, l) {
  set('level-' + which + '-caption', 'answered within ' + l.thresholdSeconds + ' s');
  set('level-' + which, l.percent == null ? '–' : l.percent.toFixed(1).replace(/\.0$/, '') + ' %');
  set('level-' + which + '-detail', (l.counted ? l.within + ' of ' + l.counted + ' · ' : '') + 'target '
    + l.target.toFixed(0) + ' %');
  const tile = $('tile-level-' + which);
  tile.classList.toggle('good', l.percent != null && l.meetsTarget);
  tile.classList.toggle('bad', l.percent != null && !l.meetsTarget);
}

function showOperators(operators) {
  const groups = GROUPS.map((presence) => {
    const members = operators.filter((o) => o.presence === presence);
    if (!members.length) return null;
    return App.el('div', { class: 'group presence-' + presence.toLowerCase() },
      App.el('h3', {}, App.label(presence, 'presence') + ' · ' + members.length),
      App.el('ul', {}, members.map((o) => App.el('li', { 'data-operator': o.operator },
        App.el('span', { class: 'name' }, o.name),
        o.awayReason ? App.el('span', { class: 'reason' }, App.label(o.awayReason, 'away')) : null,
        App.el('span', { class: 'since', 'data-since': o.since }, '')))));
  }).filter((g) => g);
  $('operator-groups').replaceChildren(...(groups.length ? groups
    : [App.el('p', { class: 'muted' }, 'No operator is signed in.')]));
}

// Every second: the clocks that run without a message (longest wait, time in state, the time of day).
function tick() {
  if (!Board.update) return;
  const since = Board.update.now.longestWaitingSince;
  const longest = since ? secondsSince(since) : 0;
  set('longest-wait', since ? App.duration(longest) : '–');
  const limit = Board.alerts.find((a) => a.kind === 'LONG_WAIT');
  $('tile-longest').classList.toggle('bad', !!limit);
  document.querySelectorAll('#operator-groups [data-since]').forEach((el) => {
    el.textContent = App.duration(secondsSince(el.dataset.since));
  });
  try {
    set('clock', new Intl.DateTimeFormat(App.locale, { timeStyle: 'short', timeZone: App.zone })
      .format(new Date(serverNow())));
  } catch (e) { set('clock', ''); }
}

function showAlerts(alerts) {
  Board.alerts = alerts;
  const list = $('floor-alerts');
  list.hidden = alerts.length === 0;
  list.replaceChildren(...alerts.map((a) => App.el('li', { 'data-kind': a.kind }, a.words)));
  document.title = (alerts.length ? '⚠ ' : '') + 'Hotline floor';
  tick();
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => {});
}

init();
